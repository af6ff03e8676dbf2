package io.convoy.driver;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.convoy.driver.checkpoint.CheckpointInfo;
import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.train.TrainResult;
import io.convoy.driver.train.TrainingRun;
import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume: with one worker on one executor (deterministic here), 3 epochs in one go and 2 epochs + resume + 1
 * end with bit-identical parameters; a later resume on another worker count keeps the global batch.
 */
class ResumeTest {
    @TempDir
    Path tmp;

    private List<String> settings(Path data, int epochs) {
        return new ArrayList<>(List.of("data.format=mnist", "data.path=" + data, "run.dir=" + tmp.resolve("runs"),
                "model.name=resnet8", "train.epochs=" + epochs, "train.batch-size-per-worker=32", "train.workers=1",
                // one averaging round per epoch: DL4J's random split of an epoch into rounds does not enter
                "train.averaging.frequency=100", "train.optimizer.lr=0.05", "train.lr-schedule.type=constant",
                "spark.master=local[1]", "spark.conf.spark.ui.enabled=false"));
    }

    @Test
    void resumedInTheMiddleOfAPerIterationWarmupContinuesTheSameSequence() throws Exception {
        Path data = tmp.resolve("digits-warmup");
        SyntheticImages.writeMnistDir(data, 256, 64, 9);
        // global batch 32 against a reference of 16: the rate rises from 0.05 to 0.1 over 2 epochs, per iteration
        List<String> warmup = List.of("train.lr-schedule.warmup-epochs=2", "train.optimizer.lr-scaling=linear",
                "train.optimizer.reference-batch=16");
        List<String> three = settings(data, 3);
        three.addAll(warmup);
        List<String> one = settings(data, 1);
        one.addAll(warmup);

        TrainResult straight = new TrainingRun(ConfigLoader.load(null, three)).run();
        TrainResult first = new TrainingRun(ConfigLoader.load(null, one)).run();
        TrainResult resumed = TrainingRun.resume(first.runDir(), List.of("train.epochs=3")).run();

        assertArrayEquals(straight.network().params().data().asFloat(), resumed.network().params().data().asFloat());
        assertArrayEquals(straight.network().getUpdater().getStateViewArray().data().asFloat(),
                resumed.network().getUpdater().getStateViewArray().data().asFloat());
        // each epoch's first rate: 0.05, then halfway (0.075), then the scaled 0.1; 8 iterations an epoch in between
        List<Double> rates = resumed.epochs().stream().map(EpochMetrics::lr).toList();
        assertEquals(3, rates.size());
        assertEquals(0.05, rates.get(0), 1e-12);
        assertEquals(0.075, rates.get(1), 1e-12);
        assertEquals(0.1, rates.get(2), 1e-12);
        var updater = ((org.deeplearning4j.nn.conf.layers.BaseLayer) resumed.network().getLayers()[0].conf().getLayer())
                .getIUpdater();
        assertEquals(0.05 + 0.05 * 12 / 16.0, updater.getLearningRate(12, 1), 1e-12, "iteration 12 of 16 of warmup");
    }

    @Test
    void twoEpochsResumedForAThirdEqualThreeInOneGo() throws Exception {
        Path data = tmp.resolve("digits");
        SyntheticImages.writeMnistDir(data, 256, 64, 9);

        TrainResult straight = new TrainingRun(ConfigLoader.load(null, settings(data, 3))).run();
        TrainResult first = new TrainingRun(ConfigLoader.load(null, settings(data, 2))).run();
        TrainResult resumed = TrainingRun.resume(first.runDir(), List.of("train.epochs=3")).run();

        assertEquals(first.runDir(), resumed.runDir(), "the resumed run continues in its own directory");
        assertEquals(straight.network().getIterationCount(), resumed.network().getIterationCount());
        assertArrayEquals(straight.network().params().data().asFloat(), resumed.network().params().data().asFloat());
        assertArrayEquals(straight.network().getUpdater().getStateViewArray().data().asFloat(),
                resumed.network().getUpdater().getStateViewArray().data().asFloat());
        assertEquals(straight.finalEval().top1Correct(), resumed.finalEval().top1Correct());
        assertEquals(List.of(1, 2, 3), resumed.epochs().stream().map(EpochMetrics::epoch).toList());

        // one more epoch on two workers: the checkpoint's global batch of 32 becomes 2 x 16
        TrainResult wider = TrainingRun.resume(first.runDir(), List.of("train.epochs=4", "train.workers=2")).run();
        RunStore store = RunStore.open(wider.runDir(), new Configuration());
        List<CheckpointInfo> manifest = store.manifest();
        assertEquals(List.of(1, 2, 3, 4), manifest.stream().map(CheckpointInfo::epoch).toList());
        assertEquals(32, manifest.get(3).state().globalBatch());
        assertEquals(2, manifest.get(3).state().workers());
    }
}
