package io.convoy.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The loss every N iterations reaches metrics.jsonl from the executors: at DL4J's global iteration numbers (the
 * same on every worker of an averaging round), inside each epoch's [first, last] iteration, every N.
 */
class LossSamplingTest {
    @TempDir
    Path tmp;

    @Test
    void lossIsSampledEveryNIterationsOfEachEpoch() throws Exception {
        Path data = tmp.resolve("digits");
        SyntheticImages.writeMnistDir(data, 256, 16, 4);
        // 2 workers x 16 per worker: 256 / 32 = 8 iterations an epoch, averaged every 2
        TrainResult result = new TrainingRun(ConfigLoader.load(null, List.of("data.format=mnist", "data.path=" + data,
                "run.dir=" + tmp.resolve("runs"), "model.name=resnet8", "train.epochs=2", "train.workers=2",
                "train.batch-size-per-worker=16", "train.averaging.frequency=2", "train.loss-sample-every=2",
                "spark.master=local[2]", "spark.conf.spark.ui.enabled=false"))).run();
        List<EpochMetrics> rows = RunStore.open(result.runDir(), new Configuration()).readMetrics();
        assertEquals(2, rows.size());
        long previousEnd = 0;
        for (EpochMetrics row : rows) {
            EpochMetrics.LossSamples s = row.lossSamples();
            long start = s.iterationStart();
            long end = s.iterationEnd();
            assertEquals(previousEnd, start, "an epoch starts where the last ended: " + row);
            assertEquals(8, end - start, "8 iterations an epoch: " + row);
            assertEquals(2, s.every());
            List<List<Double>> samples = s.samples();
            assertEquals(4, samples.size(), "every 2nd of 8 iterations: " + samples);
            for (int i = 0; i < samples.size(); i++) {
                assertEquals(start + 2L * (i + 1), samples.get(i).get(0).longValue(), "iterations: " + samples);
                double loss = samples.get(i).get(1);
                assertTrue(loss > 0 && loss < 20, "a cross-entropy loss: " + samples);
            }
            previousEnd = end;
        }
        // the samples are the workers' minibatch losses: the last one lies near the epoch's loss (the last round's)
        List<List<Double>> last = rows.get(1).lossSamples().samples();
        double epochLoss = rows.get(1).trainLoss();
        assertEquals(epochLoss, last.get(last.size() - 1).get(1), 0.5 * epochLoss);
    }
}
