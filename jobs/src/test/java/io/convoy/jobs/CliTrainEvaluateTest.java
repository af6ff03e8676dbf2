package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.SyntheticImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `convoy train` then `convoy evaluate` through the CLI, as a user runs them (config file plus overrides).
 * The models have custom vertices (stochastic depth, drop-path joins), so Spark workers and the checkpoint reload must
 * rebuild it from DL4J's JSON.
 */
class CliTrainEvaluateTest {
    @TempDir
    Path tmp;

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"resnet8_stochastic_depth", "fractalnet_b2_c2"})
    void trainThenEvaluateTheLatestCheckpoint(String model) throws Exception {
        Path data = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(data, 2, 150, 47, 3);
        Path conf = tmp.resolve("tiny.conf");
        Files.writeString(conf, String.join("\n",
                "model.name = " + model,
                "data { format = cifar10 }",
                "train { epochs = 1, batch-size-per-worker = 25, workers = 2, optimizer.lr = 0.05 }",
                "spark { master = \"local[2]\", conf { \"spark.ui.enabled\" = \"false\" } }"));
        Path runs = tmp.resolve("runs");

        String out = captureStdout(() -> assertEquals(0, ConvoyCli.execute("train", conf.toString(),
                "data.path=" + data, "run.dir=" + runs)));
        assertTrue(out.contains("test: 47 records"), out);
        Matcher m = Pattern.compile("top-1 error ([0-9.]+)%").matcher(out);
        assertTrue(m.find(), out);
        double top1 = Double.parseDouble(m.group(1));

        Path runDir;
        try (Stream<Path> dirs = Files.list(runs)) {
            List<Path> all = dirs.toList();
            assertEquals(1, all.size());
            runDir = all.get(0);
        }
        assertTrue(runDir.getFileName().toString().startsWith(model + "-"));

        String eval = captureStdout(() -> assertEquals(0, ConvoyCli.execute("evaluate", "--run", runDir.toString(),
                "spark.master=local[2]", "spark.conf.spark.ui.enabled=false")));
        assertTrue(eval.contains("checkpoints/epoch-0001.zip (epoch 1): 47 records"), eval);
        assertTrue(eval.contains(String.format("top-1 error %.2f%%", top1)), "same error as training reported: " + eval);

        assertEquals(2, ConvoyCli.execute("evaluate", "--run", runDir.toString(), "--checkpoint", "epoch-9"));
    }

    private static String captureStdout(Runnable r) {
        PrintStream saved = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            r.run();
        } finally {
            System.setOut(saved);
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
