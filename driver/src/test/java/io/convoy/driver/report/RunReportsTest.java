package io.convoy.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.eval.EvaluationRecord;
import io.convoy.worker.augment.TestTimeAugmentation;
import io.convoy.zoo.InputShape;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import io.convoy.zoo.ParameterCounts;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Reports of run directories written with known numbers: the numbers must come back out of
 * report.md and report.html, and user-supplied names must come out escaped.
 */
class RunReportsTest {
    private static final String SCRIPT = "<script>alert(\"x\")</script>";
    private static final List<String> CLASSES = List.of("airplane", SCRIPT, "R&D", "cat", "deer", "dog", "frog", "horse",
            "ship", "truck");

    @TempDir
    Path tmp;

    private static ComputationGraph net(int seed) {
        ComputationGraph g = new ComputationGraph(ModelZoo.build("resnet8",
                new ModelRequest(new InputShape(3, 32, 32), 10, seed, new Sgd(0.1), 0)));
        g.init();
        return g;
    }

    /** A run with the given per-epoch (train loss, lr, top-1, top-5) and no evaluation results. */
    private RunStore run(String name, double[][] epochs) {
        RunConfig config = ConfigLoader.load(null, List.of("data.format=cifar10", "data.path=" + tmp.resolve("nodata"),
                "model.name=resnet8", "train.epochs=" + (epochs.length + 1), "run.name=\"" + name + "\""));
        // Convoy only creates run ids of letters, digits, '.', '_' and '-'; a folder a user renamed can hold
        // anything, which is what the escaping must survive: create safely, then rename on disk
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        RunStore created = RunStore.create(tmp.resolve("runs").toString(), safe, new Configuration());
        created.writeConfig(config.render());
        java.nio.file.Path dir = java.nio.file.Path.of(created.dir().toUri());
        java.nio.file.Path renamed = dir.resolveSibling(name + dir.getFileName().toString().substring(safe.length()));
        try {
            java.nio.file.Files.move(dir, renamed);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        RunStore store = RunStore.open(renamed.toString(), new Configuration());
        store.writeConfig(config.render());
        ComputationGraph g = net(1);
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int e = 1; e <= epochs.length; e++) {
            Map<String, Double> m = new LinkedHashMap<>();
            m.put("train_loss", epochs[e - 1][0]);
            m.put("lr", epochs[e - 1][1]);
            m.put("epoch_seconds", 10.0 + e);
            m.put("images_per_second", 500.0 - 10 * e);
            m.put("top1_error", epochs[e - 1][2]);
            m.put("top5_error", epochs[e - 1][3]);
            m.put("test_nll", 1.0 / e);
            store.writeCheckpoint(g, new io.convoy.driver.checkpoint.TrainingState(e, e, m.get("lr"), epochs.length, 1, 1, 32, 1), m,
                    config.render());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", e);
            row.putAll(m);
            rows.add(row);
            store.writeMetrics(rows.stream().map(EpochMetrics::fromJson).toList());
        }
        return store;
    }

    private static EvaluationRecord record(RunStore store, int epoch, TestTimeAugmentation tta, double top1, double top5,
                                           long params) {
        double[] acc = new double[10];
        long[] n = new long[10];
        long[][] confusion = new long[10][10];
        for (int k = 0; k < 10; k++) {
            n[k] = 10;
            confusion[k][k] = k; // class k: k of 10 right, the rest predicted as class (k+1) % 10
            confusion[k][(k + 1) % 10] = 10 - k;
            acc[k] = k / 10.0;
        }
        return new EvaluationRecord(store.id(), String.format(Locale.ROOT, "checkpoints/epoch-%04d.zip", epoch), epoch, 40L * epoch,
                "abc", tta.label(), tta == TestTimeAugmentation.CENTRE ? 1 : 2, "3x32x32", params, "2026-11-23T10:00:00Z",
                3.5, "test", CLASSES, 100, top1, top5, 0.75, acc, n, confusion, null);
    }

    private static String row(String markdown, String first) {
        for (String line : markdown.split("\n")) {
            if (line.startsWith("| " + first + " |")) {
                return line;
            }
        }
        throw new AssertionError("no table row starting with '" + first + "' in\n" + markdown);
    }

    private static List<String> cells(String row) {
        List<String> out = new ArrayList<>();
        for (String c : row.substring(1, row.length() - 1).split("(?<!\\\\)\\|")) {
            out.add(c.trim());
        }
        return out;
    }

    @Test
    void runReportCarriesTheRunsNumbersAndEscapesNames() throws Exception {
        RunStore store = run("night&day", new double[][] {{2.0, 0.1, 0.5, 0.1}, {1.5, 0.1, 0.3, 0.05}, {1.2, 0.01, 0.35, 0.06}});
        long params = ParameterCounts.trainable(net(1));
        // convoy evaluate found epoch 2 at 25% (training said 30%); epoch 3 evaluated with flips
        store.writeJson(EvaluationRecord.fileName(2, TestTimeAugmentation.CENTRE),
                record(store, 2, TestTimeAugmentation.CENTRE, 0.25, 0.04, params));
        store.writeJson(EvaluationRecord.fileName(3, TestTimeAugmentation.FLIP),
                record(store, 3, TestTimeAugmentation.FLIP, 0.33, 0.05, params));

        RunReports.Written w = RunReports.writeRun(store.dir().toString(), new Configuration());
        Path dir = Path.of(store.dir().toUri());
        String md = Files.readString(dir.resolve("report.md"));
        String html = Files.readString(dir.resolve("report.html"));

        assertEquals("25.00%", cells(row(md, "best top-1 error")).get(1));
        assertEquals("4.00%", cells(row(md, "best top-5 error")).get(1));
        assertEquals("epoch 2 (convoy evaluate)", cells(row(md, "best checkpoint")).get(1));
        assertEquals(String.format(Locale.ROOT, "%,d", params), cells(row(md, "trainable parameters")).get(1));
        assertEquals("3 of 4", cells(row(md, "epochs")).get(1));
        assertEquals("resnet8", cells(row(md, "model")).get(1));
        assertEquals("36 s", cells(row(md, "training time")).get(1)); // 11 + 12 + 13
        assertEquals("480 images/s", cells(row(md, "mean throughput")).get(1)); // mean of 490, 480, 470
        assertEquals(List.of("1", "2.0000", "0.1000", "50.00%", "10.00%", "1.0000", "490", "11.0"), cells(row(md, "1")));
        assertEquals(List.of("3", "1.2000", "0.01000", "35.00%", "6.00%", "0.3333", "470", "13.0"), cells(row(md, "3")));

        // evaluated checkpoints: both results, by epoch
        String evaluations = md.substring(md.indexOf("## Evaluated checkpoints"), md.indexOf("## Per-class"));
        assertEquals(List.of("2", "centre", "1", "100", "25.00%", "4.00%", "0.7500", "-", "-", "2026-11-23T10:00:00Z", "3.5"),
                cells(row(evaluations, "2")));
        assertEquals("flip", cells(row(evaluations, "3")).get(1));

        // per-class accuracy of the best checkpoint (epoch 2), names escaped
        String perClass = md.substring(md.indexOf("## Per-class"));
        assertTrue(perClass.startsWith("## Per-class accuracy of the best checkpoint (epoch 2, convoy evaluate)"), perClass);
        assertEquals(List.of("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;", "10", "10.00%"),
                cells(row(perClass, "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;")));
        assertEquals(List.of("R&amp;D", "10", "20.00%"), cells(row(perClass, "R&amp;D")));
        assertFalse(md.contains("<script"), "no raw HTML from names in the Markdown");

        // the HTML: escaped names, the same numbers, four embedded PNG charts that decode
        assertFalse(html.toLowerCase(Locale.ROOT).contains("<script"), "no script element from a class name");
        assertTrue(html.contains("<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</td><td>10</td><td>10.00%</td>"));
        assertTrue(html.contains("<td>R&amp;D</td><td>10</td><td>20.00%</td>"));
        assertTrue(html.contains("night&amp;day") && !html.contains("night&day"), "the run name escaped");
        assertTrue(html.contains("<tr><td>best top-1 error</td><td>25.00%</td></tr>"));
        assertTrue(html.contains("<tr><td>3</td><td>1.2000</td><td>0.01000</td><td>35.00%</td><td>6.00%</td>"));
        Matcher img = Pattern.compile("src=\"data:image/png;base64,([A-Za-z0-9+/=]+)\"").matcher(html);
        int charts = 0;
        while (img.find()) {
            BufferedImage png = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(img.group(1))));
            assertNotNull(png);
            assertEquals(640, png.getWidth());
            charts++;
        }
        assertEquals(4, charts, "loss, error, learning rate, throughput");
        assertFalse(html.contains("src=\"http") || html.contains("href=\"http"), "nothing fetched from elsewhere");
        for (String chart : List.of("loss", "error", "lr", "throughput")) {
            assertTrue(md.contains("](report-charts/" + chart + ".png)"));
            assertNotNull(ImageIO.read(dir.resolve("report-charts/" + chart + ".png").toFile()));
        }
        // the resolved config
        assertTrue(html.contains("resnet8") && md.contains("```\n"));
        assertTrue(w.html().endsWith("report.html"));
    }

    @Test
    void comparisonListsRunsSideBySideBestFirst() throws Exception {
        RunStore a = run("alpha", new double[][] {{2.0, 0.1, 0.6, 0.2}, {1.9, 0.1, 0.45, 0.12}});
        RunStore b = run("beta", new double[][] {{1.8, 0.1, 0.4, 0.09}});
        long params = ParameterCounts.trainable(net(1));
        a.writeJson(EvaluationRecord.fileName(2, TestTimeAugmentation.CENTRE),
                record(a, 2, TestTimeAugmentation.CENTRE, 0.42, 0.11, params));
        Files.createDirectories(tmp.resolve("runs/not-a-run")); // no config.conf: ignored

        RunReports.Written w = RunReports.writeComparison(tmp.resolve("runs").toString(), new Configuration());
        assertEquals(List.of(b.id(), a.id()), w.runs().stream().map(RunData::id).toList(), "best first");
        String md = Files.readString(tmp.resolve("runs/runs-report.md"));
        List<String> beta = cells(row(md, b.id()));
        List<String> alpha = cells(row(md, a.id()));
        // run, model, params, epochs, best top-1, best top-5, best epoch, wall time, training time
        assertEquals(List.of(b.id(), "resnet8", String.format(Locale.ROOT, "%,d", params), "1 of 2", "40.00%", "9.00%", "1"),
                beta.subList(0, 7));
        assertEquals(List.of(a.id(), "resnet8", String.format(Locale.ROOT, "%,d", params), "2 of 3", "42.00%", "11.00%", "2"),
                alpha.subList(0, 7));
        assertNotEquals("-", beta.get(7), "wall time known");
        assertTrue(md.indexOf(b.id()) < md.indexOf(a.id()));
        String html = Files.readString(tmp.resolve("runs/runs-report.html"));
        assertTrue(html.contains("<td>" + b.id() + "</td><td>resnet8</td>"));
        assertTrue(html.contains("data:image/png;base64,"));
    }
}
