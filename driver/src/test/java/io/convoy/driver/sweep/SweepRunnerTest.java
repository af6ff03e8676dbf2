package io.convoy.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.SyntheticImages;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tiny trials at once on one SparkContext in FAIR pools, next to a trial refused up front and one that fails while
 * running: both good trials finish, the failures are in the table with their errors, and results.* are written.
 */
class SweepRunnerTest {
    @TempDir
    Path tmp;

    @Test
    void parallelTrialsInFairPoolsAndFailuresThatDoNotStopTheOthers() throws Exception {
        Path data = tmp.resolve("digits");
        SyntheticImages.writeMnistDir(data, 192, 48, 11);
        Path file = tmp.resolve("pair.conf");
        Files.writeString(file, """
                sweep {
                  name = pair
                  parallel = 2
                  base {
                    data { format = mnist, path = "%s", augment.pad = 2 }
                    train { batch-size-per-worker = 32, workers = 2, optimizer.lr = 0.05, lr-schedule.type = constant }
                    spark { master = "local[2]", conf { "spark.ui.enabled" = "false" } }
                  }
                  cases = [
                    { name = res, overrides { "model.name" = resnet8 } }
                    { name = refused, overrides { "model.name" = resnet9 } }
                    { name = no-data, overrides { data.path = "%s" } }
                    { name = plain, overrides { "model.name" = plain8 } }
                  ]
                  budget { epochs = 1, width = 0.5 }
                }""".formatted(data, tmp.resolve("missing")));
        SweepPlan plan = SweepPlan.of(SweepFile.load(file.toFile()), List.of(), Budget.NONE, tmp.resolve("sw").toString(), null);
        assertFalse(plan.trials().get(1).valid(), "resnet9 is no 6n+2 depth");

        SweepRunner runner = new SweepRunner(plan, new Configuration());
        SweepRunner.Outcome outcome;
        try (JavaSparkContext sc = runner.sparkContext()) {
            assertEquals("FAIR", sc.getConf().get("spark.scheduler.mode"));
            outcome = runner.run(sc);
            // each trial's jobs went to a pool of its own
            assertTrue(sc.sc().getPoolForName("trial-res").isDefined());
            assertTrue(sc.sc().getPoolForName("trial-plain").isDefined());
        }
        Map<String, TrialResult> rows = outcome.results().stream()
                .collect(Collectors.toMap(TrialResult::trial, r -> r));
        assertFalse(outcome.allFinished());
        for (String good : List.of("res", "plain")) {
            TrialResult r = rows.get(good);
            assertEquals(SweepState.Status.FINISHED, r.status(), good + ": " + r.error());
            assertEquals(1, r.epochsDone());
            assertNotNull(r.top1Error());
            assertNotNull(r.trainLoss());
            assertTrue(r.runDir().contains("/sw/runs/" + good + "/" + good + "-"), r.runDir());
        }
        assertEquals(SweepState.Status.FAILED, rows.get("refused").status());
        assertTrue(rows.get("refused").error().contains("model.name = resnet9"), rows.get("refused").error());
        assertEquals(SweepState.Status.FAILED, rows.get("no-data").status());
        assertTrue(rows.get("no-data").error().contains("missing"), rows.get("no-data").error());

        Map<String, SweepState.Trial> state = SweepState.read(tmp.resolve("sw").toString(), new Configuration())
                .orElseThrow().trials();
        assertEquals(List.of("res", "refused", "no-data", "plain"), List.copyOf(state.keySet()));
        assertEquals(SweepState.Status.FINISHED, state.get("plain").status());
        assertEquals(1, state.get("plain").attempts());

        try (Reader in = Files.newBufferedReader(tmp.resolve("sw/results.csv"))) {
            List<CSVRecord> csv = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(in).getRecords();
            assertEquals(List.of("res", "refused", "no-data", "plain"), csv.stream().map(r -> r.get("case")).toList());
            double top1 = Double.parseDouble(csv.get(0).get("top1_error"));
            assertEquals(rows.get("res").top1Error(), top1);
            assertEquals("failed", csv.get(1).get("status"));
        }
        String html = Files.readString(tmp.resolve("sw/results.html"));
        assertTrue(html.contains("<td>res</td>") && html.contains("<td>no-data</td>"), "one row per case");
        assertEquals(2, html.split("data:image/png;base64,").length - 1, "top-1 error and training loss curves");
        String md = Files.readString(tmp.resolve("sw/results.md"));
        assertTrue(md.contains("| plain | model.name=plain8 | finished | 1/1 |"), md);
        assertTrue(Files.isRegularFile(tmp.resolve("sw/results-charts/train-loss.png")));
    }
}
