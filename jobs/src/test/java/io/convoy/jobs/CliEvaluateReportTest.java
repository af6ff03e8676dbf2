package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.convoy.worker.data.SyntheticImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `convoy evaluate` and `convoy report` as a scheduler runs them, on one tiny training run: exit codes,
 * the one-line summary, idempotent --new-only, a corrupt checkpoint, and reports whose numbers are the
 * evaluation results. The data's class names (CIFAR's batches.meta.txt) include markup and an ampersand.
 */
class CliEvaluateReportTest {
    @TempDir
    Path tmp;

    private record Run(int code, String out) {
    }

    private static Run cli(String... args) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        AtomicInteger code = new AtomicInteger();
        try {
            code.set(ConvoyCli.execute(args));
        } finally {
            System.setOut(saved);
        }
        return new Run(code.get(), buf.toString(StandardCharsets.UTF_8));
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    @Test
    void evaluateOnScheduleThenReport() throws Exception {
        Path data = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(data, 1, 200, 53, 4);
        Files.writeString(data.resolve("batches.meta.txt"),
                "airplane\n<script>alert(1)</script>\nR&D\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n");
        Path runs = tmp.resolve("runs");
        assertEquals(0, cli("train", "data.format=cifar10", "data.path=" + data, "run.dir=" + runs, "model.name=resnet8",
                "train.epochs=2", "train.batch-size-per-worker=25", "train.workers=2", "train.optimizer.lr=0.05",
                "spark.master=local[2]", "spark.conf.spark.ui.enabled=false").code());
        Path run;
        try (Stream<Path> dirs = Files.list(runs)) {
            run = dirs.findFirst().orElseThrow();
        }
        String r = run.toString();
        String[] spark = {"spark.master=local[2]", "spark.conf.spark.ui.enabled=false"};

        // scheduled: every new checkpoint, then nothing to do
        Run first = cli(concat(new String[] {"evaluate", "--run", r, "--new-only"}, spark));
        assertEquals(0, first.code(), first.out());
        assertEquals(1, first.out().strip().lines().count(), "one line: " + first.out());
        assertTrue(first.out().startsWith(run.getFileName() + ": evaluated 2 of 2 new checkpoints (epoch 1: 53 records"),
                first.out());
        Run again = cli(concat(new String[] {"evaluate", "--run", r, "--new-only"}, spark));
        assertEquals(0, again.code());
        assertTrue(again.out().contains("nothing to evaluate"), again.out());

        Run best = cli(concat(new String[] {"evaluate", "--run", r, "--checkpoint", "best", "--tta", "flip"}, spark));
        assertEquals(0, best.code(), best.out());
        assertTrue(best.out().contains("[flip]: 53 records"), best.out());
        assertTrue(Files.isRegularFile(run.resolve("eval-epoch-0002-flip.json")) || Files.isRegularFile(run.resolve("eval-epoch-0001-flip.json")));

        // bad usage: exit 2
        assertEquals(2, cli("evaluate", "--run", r, "--new-only", "--checkpoint", "latest").code());
        assertEquals(2, cli("evaluate", "--run", r, "--tta", "five-crop").code());
        assertEquals(2, cli("evaluate", "--run", r, "--checkpoint", "newest").code());
        assertEquals(2, cli(concat(new String[] {"evaluate", "--run", r, "--tta", "ten-crop"}, spark)).code(),
                "ten-crop on images of the input size");
        assertEquals(2, cli("report").code());

        // the report: the numbers of the evaluation results, names escaped
        Run report = cli("report", "--run", r);
        assertEquals(0, report.code(), report.out());
        assertEquals(1, report.out().strip().lines().count());
        assertTrue(report.out().startsWith(run.getFileName() + ": resnet8, best top-1 error"), report.out());
        String md = Files.readString(run.resolve("report.md"));
        String html = Files.readString(run.resolve("report.html"));
        ObjectMapper json = new ObjectMapper();
        for (int epoch = 1; epoch <= 2; epoch++) {
            JsonNode e = json.readTree(run.resolve(String.format("eval-epoch-%04d.json", epoch)).toFile());
            String row = "| " + epoch + " | centre | 1 | 53 | " + pct(e.get("top1_error").asDouble()) + " | "
                    + pct(e.get("top5_error").asDouble()) + " | " + String.format(Locale.ROOT, "%.4f", e.get("mean_nll").asDouble()) + " |";
            assertTrue(md.contains(row), "row " + row + " in\n" + md);
            assertTrue(html.contains("<tr><td>" + epoch + "</td><td>centre</td><td>1</td><td>53</td><td>"
                    + pct(e.get("top1_error").asDouble()) + "</td>"));
        }
        assertFalse(html.toLowerCase(Locale.ROOT).contains("<script"));
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && html.contains("R&amp;D"));
        Run comparison = cli("report", "--runs", runs.toString());
        assertEquals(0, comparison.code(), comparison.out());
        assertTrue(Files.readString(runs.resolve("runs-report.md")).contains("| " + run.getFileName() + " | resnet8 |"));

        // a truncated checkpoint: named explicitly it fails (1); latest falls back to the one before it (0)
        Path second = run.resolve("checkpoints/epoch-0002.zip");
        Files.write(second, Arrays.copyOf(Files.readAllBytes(second), 1000));
        Run corrupt = cli(concat(new String[] {"evaluate", "--run", r, "--checkpoint", "epoch-2"}, spark));
        assertEquals(1, corrupt.code(), corrupt.out());
        assertTrue(corrupt.out().contains("epoch-0002.zip"), corrupt.out());
        Run latest = cli(concat(new String[] {"evaluate", "--run", r}, spark));
        assertEquals(0, latest.code(), latest.out());
        assertTrue(latest.out().startsWith("checkpoints/epoch-0001.zip (epoch 1): 53 records"), latest.out());
        assertTrue(latest.out().contains("skipped checkpoints/epoch-0002.zip"), latest.out());
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
