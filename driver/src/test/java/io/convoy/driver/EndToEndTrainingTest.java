package io.convoy.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.CheckpointInfo;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.data.DatasetLoader;
import io.convoy.driver.eval.EvalCounts;
import io.convoy.driver.eval.EvaluationRun;
import io.convoy.driver.eval.Evaluator;
import io.convoy.driver.train.TrainResult;
import io.convoy.driver.train.TrainingRun;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The walking skeleton end to end on Spark local[2]: generated IDX data, a small ResNet trained with
 * parameter averaging, checkpoints in a run directory, exact top-1/top-5 on the test split.
 */
class EndToEndTrainingTest {
    // 301 test records: does not divide by the batch size or the number of partitions
    private static final int TEST_RECORDS = 301;

    @TempDir
    Path tmp;

    @Test
    void trainsCheckpointsAndReportsExactTopKError() throws Exception {
        Path data = tmp.resolve("digits");
        SyntheticImages.writeMnistDir(data, 1600, TEST_RECORDS, 11);
        RunConfig config = ConfigLoader.load(null, List.of(
                "data.format=mnist", "data.path=" + data, "run.dir=" + tmp.resolve("runs"),
                "model.name=resnet8", "train.epochs=2", "train.batch-size-per-worker=32", "train.workers=2",
                "train.optimizer.lr=0.05", "train.averaging.frequency=5", "eval.batch-size=64",
                "spark.master=local[2]", "spark.conf.spark.ui.enabled=false"));

        TrainResult result = new TrainingRun(config).run();

        // learning: ten classes, chance is 90% top-1 error
        EvalCounts eval = result.finalEval();
        assertEquals(TEST_RECORDS, eval.total(), "every test record counted exactly once");
        assertTrue(eval.top1Error() < 0.5, "top-1 error well below chance: " + eval.top1Error());
        assertTrue(eval.top5Error() <= eval.top1Error());

        // the run directory holds a checkpoint per epoch, listed in the manifest
        RunStore store = RunStore.open(result.runDir(), new Configuration());
        List<CheckpointInfo> manifest = store.manifest();
        assertEquals(List.of(1, 2), manifest.stream().map(CheckpointInfo::epoch).toList());
        Path runDir = Path.of(java.net.URI.create(result.runDir()));
        assertTrue(Files.isRegularFile(runDir.resolve("checkpoints/epoch-0002.zip")));
        assertTrue(Files.isRegularFile(runDir.resolve("checkpoints/epoch-0002.json")));
        assertTrue(Files.readString(runDir.resolve("config.conf")).contains("resnet8"));
        assertEquals(2, Files.readAllLines(runDir.resolve("metrics.jsonl")).size());
        // the per-epoch time split from DL4J's statistics (averaging)
        com.fasterxml.jackson.databind.JsonNode epoch1 = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(Files.readAllLines(runDir.resolve("metrics.jsonl")).get(0));
        double compute = epoch1.get("compute_fraction").asDouble();
        assertTrue(compute > 0 && compute <= 1, "compute fraction " + compute);
        assertEquals(1.0, compute + epoch1.get("data_fraction").asDouble() + epoch1.get("sync_fraction").asDouble(), 1e-9);
        // the executor sample: local mode has one executor, the driver JVM itself; averaging sends no encoded updates
        assertEquals(1, epoch1.get("executors_sampled").asInt());
        double rss = epoch1.get("executor_rss_mb").asDouble();
        assertTrue(rss > 100 && rss < 64 * 1024, "resident set " + rss + " MB");
        assertTrue(epoch1.get("executor_heap_after_gc_mb").asDouble() >= 0);
        assertFalse(epoch1.has("encoded_fraction"));

        // the last checkpoint reloads to the same parameters as the trained network
        RunStore.Loaded loaded = store.load("latest");
        assertArrayEquals(result.network().params().data().asFloat(), loaded.net().params().data().asFloat());
        assertEquals(result.network().getIterationCount(), loaded.net().getIterationCount());

        // the reported errors equal a direct count of predictions in this JVM
        ImageSplit test = new DatasetLoader(config.data(), new Configuration()).load(DatasetLoader.Split.TEST);
        Normalization norm = Normalization.measure(
                new DatasetLoader(config.data(), new Configuration()).load(DatasetLoader.Split.TRAIN).records(), 1);
        EvalCounts direct = Evaluator.evaluateLocally(loaded.net(), test, norm, 17);
        assertEquals(direct.total(), eval.total());
        assertEquals(direct.top1Correct(), eval.top1Correct());
        assertEquals(direct.top5Correct(), eval.top5Correct());
        assertEquals(manifest.get(1).metrics().get("top1_error"), eval.top1Error(), 1e-12);

        // `evaluate` on the saved run reproduces the numbers from the checkpoint alone
        EvaluationRun.Result again = new EvaluationRun(result.runDir(), "epoch-2", List.of()).run();
        assertEquals(eval.top1Correct(), again.counts().top1Correct());
        assertEquals(eval.top5Correct(), again.counts().top5Correct());
        assertTrue(Files.isRegularFile(runDir.resolve("eval-epoch-0002.json")));
    }

    /**
     * Gradient sharing end to end in one JVM (both partitions feed one DL4J SharedTrainingWrapper here; the
     * multi-JVM comparison with averaging is jobs' ClusterTrainingIT), with the BatchNorm statistics recomputed.
     */
    @Test
    void gradientSharingRunsEndToEndInOneJvm() throws Exception {
        java.util.Set<String> aeronBefore = io.convoy.driver.train.sharing.AeronDirectories.snapshot();
        Path data = tmp.resolve("digits");
        SyntheticImages.writeMnistDir(data, 1200, 200, 5);
        RunConfig config = ConfigLoader.load(null, List.of(
                "data.format=mnist", "data.path=" + data, "run.dir=" + tmp.resolve("runs"),
                "model.name=resnet8", "train.epochs=2", "train.batch-size-per-worker=32", "train.workers=2",
                "train.sync=sharing", "train.optimizer.lr=0.01", "train.epochs=3",
                "spark.master=local[2]", "spark.conf.spark.ui.enabled=false"));

        TrainResult result = new TrainingRun(config).run();

        assertEquals(200, result.finalEval().total());
        assertTrue(result.finalEval().top1Error() < 0.3, "top-1 error far below chance (90%): " + result.finalEval().top1Error());
        assertEquals(aeronBefore, io.convoy.driver.train.sharing.AeronDirectories.snapshot(), "no Aeron directories left behind");
        RunStore store = RunStore.open(result.runDir(), new Configuration());
        assertEquals(3, store.manifest().size());
        // BatchNorm statistics were recomputed after each epoch (train.precise-bn.enabled = auto under sharing)
        assertTrue(store.manifest().stream().allMatch(c -> c.metrics().containsKey("precise_bn_seconds")));
        // before that, the workers' own running statistics (kept locally by the fast BatchNorm) were averaged in
        assertTrue(store.manifest().stream().allMatch(c -> c.metrics().get("batchnorm_synchronised") == 1.0),
                "every epoch brought the workers' running statistics");
        // what the encoded updates cost, counted per message: at most a dense bitmap (1/16 of float32), never nothing
        for (var c : store.manifest()) {
            double fraction = c.metrics().get("encoded_fraction");
            assertTrue(fraction > 0 && fraction <= 1.0 / 16 + 1e-3, "encoded fraction " + fraction);
            assertTrue(c.metrics().get("update_bytes_per_message") > 0);
            // DL4J's transport threads started with the wider timer slack (train.sharing.transport-timer-slack-us)
            assertTrue(c.metrics().get("transport_timer_slack_us") >= 1000, "slack " + c.metrics());
            assertTrue(c.metrics().get("transport_wakeups") > 0, "wake-ups " + c.metrics());
        }
        assertArrayEquals(result.network().params().data().asFloat(), store.load("latest").net().params().data().asFloat());
    }

    @Test
    void learningRateSequenceIsTheSameOnOneAndTwoExecutors() throws Exception {
        Path data = tmp.resolve("small");
        SyntheticImages.writeMnistDir(data, 128, 32, 3);
        List<List<Double>> sequences = new java.util.ArrayList<>();
        for (String master : List.of("local[1]", "local[2]")) {
            RunConfig config = ConfigLoader.load(null, List.of(
                    "data.format=mnist", "data.path=" + data, "run.dir=" + tmp.resolve("runs-" + master.charAt(6)),
                    "model.name=resnet8", "train.epochs=4", "train.batch-size-per-worker=16", "train.workers=2",
                    "train.optimizer.lr=0.02", "train.optimizer.lr-scaling=linear", "train.optimizer.reference-batch=16",
                    "train.lr-schedule.warmup-epochs=2", "train.lr-schedule.milestones=[4]",
                    "spark.master=" + master, "spark.conf.spark.ui.enabled=false"));
            TrainResult result = new TrainingRun(config).run();
            Path runDir = Path.of(java.net.URI.create(result.runDir()));
            List<Double> lr = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(runDir.resolve("metrics.jsonl"))) {
                lr.add(new com.fasterxml.jackson.databind.ObjectMapper().readTree(line).get("lr").asDouble());
            }
            sequences.add(lr);
        }
        // warmup from 0.02 to 0.02 x (2 x 16) / 16 = 0.04 over two epochs, then /10 at epoch 4
        assertEquals(List.of(0.02, 0.03, 0.04, 0.004), sequences.get(0).stream().map(x -> Math.round(x * 1e9) / 1e9).toList());
        assertEquals(sequences.get(0), sequences.get(1));
    }
}
