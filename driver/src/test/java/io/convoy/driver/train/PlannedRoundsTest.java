package io.convoy.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.convoy.driver.config.ConfigLoader;
import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * An averaging epoch laid out by round before decoding (nothing decoded persisted, no count, no shuffle of
 * minibatches) trains exactly what the persisted, counted and shuffled epoch trained: the same minibatches in the same
 * rounds, so the same parameters and updater state to the last bit, for both data formats that read on the driver
 * and those read in the tasks.
 */
class PlannedRoundsTest {
    @TempDir
    Path tmp;

    private TrainResult train(Path data, String name, boolean planned, String... extra) {
        String before = System.getProperty(SyncScheme.PERSIST_PROPERTY);
        System.setProperty(SyncScheme.PERSIST_PROPERTY, String.valueOf(!planned));
        try {
            List<String> overrides = new ArrayList<>(List.of("data.format=mnist", "data.path=" + data,
                    "run.dir=" + tmp.resolve("runs"), "run.name=" + name, "model.name=resnet8", "model.width=0.5",
                    "train.epochs=2", "train.batch-size-per-worker=16", "train.workers=2",
                    "train.averaging.frequency=3", "train.optimizer.lr=0.05", "data.augment.pad=2",
                    "spark.master=local[2]", "spark.conf.spark.ui.enabled=false"));
            overrides.addAll(List.of(extra));
            return new TrainingRun(ConfigLoader.load(null, overrides)).run();
        } finally {
            if (before == null) {
                System.clearProperty(SyncScheme.PERSIST_PROPERTY);
            } else {
                System.setProperty(SyncScheme.PERSIST_PROPERTY, before);
            }
        }
    }

    @Test
    void theRoundLayoutTrainsTheSameParametersAsShufflingTheDecodedEpoch() throws Exception {
        Path data = tmp.resolve("digits");
        // 150 digits over 2 workers of 16: 5 minibatches each (the last of 11), rounds of 3: 2 rounds, one short
        SyntheticImages.writeMnistDir(data, 150, 40, 3);
        assertEquals(true, AveragingScheme.plannedRounds(), "the default");
        System.setProperty(SyncScheme.PERSIST_PROPERTY, "true");
        try {
            assertEquals(false, AveragingScheme.plannedRounds(), "the A/B switch");
        } finally {
            System.clearProperty(SyncScheme.PERSIST_PROPERTY);
        }
        TrainResult shuffled = train(data, "shuffled", false);
        TrainResult planned = train(data, "planned", true, "train.precise-bn.enabled=true", "train.precise-bn.batches=3");
        TrainResult plannedPlain = train(data, "planned-plain", true);
        assertBitIdentical(shuffled.network().params(), plannedPlain.network().params(), "parameters");
        assertBitIdentical(shuffled.network().getUpdater().getStateViewArray(),
                plannedPlain.network().getUpdater().getStateViewArray(), "Nesterov state");
        assertEquals(shuffled.epochs().get(1).trainLoss(), plannedPlain.epochs().get(1).trainLoss(), "epoch 2's loss");
        assertEquals(shuffled.finalEval().top1Error(), plannedPlain.finalEval().top1Error(), "test error");
        // precise BatchNorm reads the first round's partitions only and still finds its minibatches
        assertEquals(2, planned.epochs().size());
        assertEquals(shuffled.epochs().get(1).trainLoss(), planned.epochs().get(1).trainLoss(),
                "recomputed statistics leave the weights as they were trained");
    }

    private static void assertBitIdentical(INDArray a, INDArray b, String what) {
        float[] x = a.dup().data().asFloat();
        float[] y = b.dup().data().asFloat();
        assertEquals(x.length, y.length, what + " length");
        for (int i = 0; i < x.length; i++) {
            if (Float.floatToIntBits(x[i]) != Float.floatToIntBits(y[i])) {
                throw new AssertionError(what + " differ at " + i + ": " + x[i] + " vs " + y[i]);
            }
        }
    }
}
