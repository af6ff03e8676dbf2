package io.convoy.driver.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.convoy.driver.HadoopPaths;
import io.convoy.driver.checkpoint.CheckpointInfo;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.data.DatasetLoader;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.driver.train.TrainResult;
import io.convoy.driver.train.TrainingRun;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.augment.TestTimeAugmentation;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.data.SyntheticImages;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * `evaluate` on a real run: one tiny training run (ResNet-8, 3 epochs, Spark local[2]) shared by the
 * tests; each test works on its own copy of the run directory.
 */
class EvaluationRunTest {
    private static final int TEST_RECORDS = 101; // divides by neither the batch size nor the partitions
    @TempDir
    static Path shared;
    @TempDir
    Path tmp;

    private static Path trainedRun;
    private static Path data;
    private static JavaSparkContext sc;

    @BeforeAll
    static void trainOnce() throws IOException {
        data = shared.resolve("digits");
        SyntheticImages.writeMnistDir(data, 480, TEST_RECORDS, 21);
        RunConfig config = ConfigLoader.load(null, List.of(
                "data.format=mnist", "data.path=" + data, "run.dir=" + shared.resolve("runs"),
                "model.name=resnet8", "train.epochs=3", "train.batch-size-per-worker=32", "train.workers=2",
                "train.optimizer.lr=0.05", "eval.batch-size=16",
                "spark.master=local[2]", "spark.conf.spark.ui.enabled=false"));
        TrainResult result = new TrainingRun(config).run();
        trainedRun = Path.of(java.net.URI.create(result.runDir()));
        sc = SparkContexts.create(new SparkSettings("local[2]", "evaluation-run-test", Map.of("spark.ui.enabled", "false")));
    }

    @AfterAll
    static void stop() {
        if (sc != null) {
            sc.close();
        }
    }

    private Path copyOfRun() throws IOException {
        Path copy = Files.createTempDirectory(tmp, "copy").resolve(trainedRun.getFileName());
        try (Stream<Path> files = Files.walk(trainedRun)) {
            for (Path p : files.toList()) {
                Path target = copy.resolve(trainedRun.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        return copy;
    }

    private static EvaluationRun run(Path dir, CheckpointSelection selection) {
        return new EvaluationRun(dir.toString(),
                new EvaluationRun.Options(selection, TestTimeAugmentation.CENTRE, Duration.ofMinutes(5), null), List.of());
    }

    private static RunStore store(Path dir) {
        return RunStore.open(dir.toString(), new Configuration());
    }

    private static List<Integer> epochs(EvaluationRun.Outcome o) {
        return o.evaluated().stream().map(r -> r.info().epoch()).toList();
    }

    @Test
    void newOnlyEvaluatesEveryCheckpointOnceThenHasNothingToDo() throws IOException {
        Path run = copyOfRun();
        EvaluationRun.Outcome first = run(run, new CheckpointSelection.NewOnly()).evaluate(sc);
        assertEquals(List.of(1, 2, 3), epochs(first));
        assertFalse(first.failed());
        assertEquals(run.getFileName().toString(), first.run(), "the run id, also when opened by a local path");
        RunStore store = store(run);
        for (CheckpointInfo c : store.manifest()) {
            EvaluationRecord r = store.readJson(EvaluationRecord.fileName(c.epoch(), TestTimeAugmentation.CENTRE),
                    EvaluationRecord.class);
            assertEquals(TEST_RECORDS, r.records(), "every test record once");
            assertEquals(run.getFileName().toString(), r.run());
            assertEquals(c.sha256(), r.sha256());
            // the same evaluation training ran after this epoch
            assertEquals(c.metrics().get("top1_error"), r.top1Error(), 1e-12);
            assertEquals(c.metrics().get("top5_error"), r.top5Error(), 1e-12);
            assertEquals(List.of("0", "1", "2", "3", "4", "5", "6", "7", "8", "9"), r.classNames());
            assertEquals("1x28x28", r.inputShape());
            assertNull(r.deepestColumn());
            long diagonal = 0;
            for (int k = 0; k < 10; k++) {
                diagonal += r.confusionMatrix()[k][k];
            }
            assertEquals(Math.round((1 - r.top1Error()) * TEST_RECORDS), diagonal);
        }
        // the errors equal a direct single-JVM count of the last checkpoint
        RunConfig config = ConfigLoader.fromSaved(store.readConfig(), "config.conf", List.of());
        ImageSplit test = new DatasetLoader(config.data(), new Configuration()).load(DatasetLoader.Split.TEST);
        EvalCounts direct = Evaluator.evaluateLocally(store.load("epoch-3").net(), test,
                store.readJson("normalization.json", Normalization.class), 13);
        assertEquals(direct.top1Correct(), first.evaluated().get(2).counts().top1Correct());
        assertEquals(direct.top5Correct(), first.evaluated().get(2).counts().top5Correct());

        // idempotent: nothing new, nothing done; evaluate() would start its own Spark context next to the
        // test's (which Spark refuses) if it got as far as Spark
        EvaluationRun.Outcome second = run(run, new CheckpointSelection.NewOnly()).evaluate();
        assertEquals(0, second.candidates());
        assertTrue(second.evaluated().isEmpty());
        assertFalse(second.failed());
        assertTrue(second.summary().contains("nothing to evaluate"), second.summary());
    }

    @Test
    void twoEvaluatorsStartedTogetherNeverEvaluateTheSameCheckpoint() throws Exception {
        Path run = copyOfRun();
        // an evaluator that crashed an hour ago left its claim on epoch 1
        Path claims = Files.createDirectories(run.resolve(EvaluationClaims.DIR));
        Path stale = Files.writeString(claims.resolve("eval-epoch-0001.claim.0"), "{\"owner\": \"crashed\"}");
        Files.setLastModifiedTime(stale, FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));

        CyclicBarrier start = new CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<EvaluationRun.Outcome>> futures = List.of(
                    pool.submit(() -> { start.await(); return run(run, new CheckpointSelection.NewOnly()).evaluate(sc); }),
                    pool.submit(() -> { start.await(); return run(run, new CheckpointSelection.NewOnly()).evaluate(sc); }));
            List<Integer> a = epochs(futures.get(0).get());
            List<Integer> b = epochs(futures.get(1).get());
            Set<Integer> both = new HashSet<>(a);
            both.retainAll(b);
            assertTrue(both.isEmpty(), "no checkpoint evaluated twice: " + a + " and " + b);
            Set<Integer> all = new HashSet<>(a);
            all.addAll(b);
            assertEquals(Set.of(1, 2, 3), all, "the stale claim on epoch 1 was taken over: " + a + " and " + b);
        } finally {
            pool.shutdownNow();
        }
        try (Stream<Path> left = Files.list(claims)) {
            assertEquals(List.of(), left.toList(), "claims released");
        }

        // a live claim (another evaluator at work) is left alone, and is not a failure
        Path other = copyOfRun();
        Files.createDirectories(other.resolve(EvaluationClaims.DIR));
        Files.writeString(other.resolve(EvaluationClaims.DIR).resolve("eval-epoch-0002.claim.0"), "{\"owner\": \"host-b:4242:beef\"}");
        EvaluationRun.Outcome o = run(other, new CheckpointSelection.NewOnly()).evaluate(sc);
        assertEquals(List.of(1, 3), epochs(o));
        assertFalse(o.failed());
        assertTrue(o.summary().contains("epoch 2 is being evaluated by host-b:4242:beef"), o.summary());
    }

    @Test
    void corruptCheckpointsAreSkippedWithAWarningAndTheSelectionFallsBack() throws IOException {
        Path run = copyOfRun();
        // epoch 3 truncated, epoch 1 with one byte changed (same length, wrong SHA-256)
        Path third = run.resolve("checkpoints/epoch-0003.zip");
        Files.write(third, java.util.Arrays.copyOf(Files.readAllBytes(third), (int) Files.size(third) / 2));
        try (RandomAccessFile f = new RandomAccessFile(run.resolve("checkpoints/epoch-0001.zip").toFile(), "rw")) {
            f.seek(f.length() / 2);
            int b = f.read();
            f.seek(f.length() / 2);
            f.write(b ^ 0xff);
        }

        EvaluationRun.Outcome newOnly = run(run, new CheckpointSelection.NewOnly()).evaluate(sc);
        assertEquals(List.of(2), epochs(newOnly));
        assertEquals(List.of("checkpoints/epoch-0001.zip", "checkpoints/epoch-0003.zip"),
                newOnly.skipped().stream().map(s -> s.info().file()).toList());
        assertTrue(newOnly.skipped().get(1).reason().matches("(?s).*(corrupt|truncated).*"), newOnly.skipped().get(1).reason());
        assertTrue(newOnly.summary().contains("skipped checkpoints/epoch-0001.zip"), newOnly.summary());
        assertFalse(newOnly.failed(), "skipping is not failing");

        EvaluationRun.Outcome latest = run(run, new CheckpointSelection.Latest()).evaluate(sc);
        assertEquals(List.of(2), epochs(latest), "latest falls back to the previous good checkpoint");
        assertEquals("checkpoints/epoch-0003.zip", latest.skipped().get(0).info().file());

        EvaluationRun.Outcome best = run(run, new CheckpointSelection.Best()).evaluate(sc);
        assertEquals(List.of(2), epochs(best), "best falls back to the best good checkpoint");

        EvaluationRun.Outcome third3 = run(run, new CheckpointSelection.Epoch(3)).evaluate(sc);
        assertTrue(third3.failed(), "an explicitly named corrupt checkpoint fails the evaluation");
        assertTrue(third3.summary().contains("no good checkpoint") && third3.summary().contains("epoch-0003.zip"),
                third3.summary());
        assertFalse(Files.exists(run.resolve("eval-epoch-0003.json")));
    }

    @Test
    void fractalNetIsEvaluatedWholeAndByItsDeepestColumnWithFlipAveraging() throws IOException {
        RunConfig config = ConfigLoader.load(null, List.of("data.format=mnist", "data.path=" + data,
                "model.name=fractalnet_b1_c3", "eval.batch-size=32"));
        RunStore store = RunStore.create(tmp.toString(), "fractal", new Configuration());
        DatasetLoader loader = new DatasetLoader(config.data(), new Configuration());
        ImageSplit test = loader.load(DatasetLoader.Split.TEST);
        Normalization norm = Normalization.measure(loader.load(DatasetLoader.Split.TRAIN).records(), 1);
        store.writeConfig(config.render());
        store.writeJson("normalization.json", norm);
        ComputationGraph net = new ComputationGraph(ModelZoo.build("fractalnet_b1_c3",
                new ModelRequest(test.shape(), 10, 5, new Sgd(0.1), 0)));
        net.init();
        store.writeCheckpoint(net, new io.convoy.driver.checkpoint.TrainingState(1, 0, 0.1, 1, 1, 1, 32, 1), Map.of(),
                config.render());

        Path dir = Path.of(store.dir().toUri());
        EvaluationRun.Outcome o = new EvaluationRun(dir.toString(), new EvaluationRun.Options(
                new CheckpointSelection.Latest(), TestTimeAugmentation.FLIP, Duration.ofMinutes(5), null), List.of()).evaluate(sc);
        EvaluationRun.Result r = o.evaluated().get(0);
        assertNotNull(r.deepestColumn());
        assertEquals("eval-epoch-0001-flip.json", r.resultFile());
        assertTrue(o.summary().contains("deepest column: top-1 error"), o.summary());

        ComputationGraph deepest = new ComputationGraph(FractalColumns.deepestColumn(net.getConfiguration()).orElseThrow());
        deepest.init(net.params().dup(), false);
        Evaluator.Spec spec = new Evaluator.Spec(test.shape(), test.shape(), 10, norm, 7, TestTimeAugmentation.FLIP);
        List<EvalCounts> here = Evaluator.evaluateHere(List.of(net, deepest), test.records(), spec);
        EvaluationRecord saved = store.readJson("eval-epoch-0001-flip.json", EvaluationRecord.class);
        assertEquals(2, saved.views());
        assertEquals(TEST_RECORDS, saved.records());
        assertEquals(here.get(0).top1Error(), saved.top1Error(), 1e-12);
        assertEquals(here.get(1).top1Error(), saved.deepestColumn().top1Error(), 1e-12);
        assertEquals(here.get(1).top5Error(), saved.deepestColumn().top5Error(), 1e-12);
        assertEquals(here.get(1).meanNll(), saved.deepestColumn().meanNll(), 1e-5);
        assertEquals(Set.of(), new EvaluationResults(HadoopPaths.fileSystem(store.dir(), new Configuration()), store)
                .epochs(TestTimeAugmentation.CENTRE), "a flip result is not a centre result");
        new ObjectMapper().readTree(Files.readAllBytes(dir.resolve("eval-epoch-0001-flip.json"))); // valid JSON
    }
}
