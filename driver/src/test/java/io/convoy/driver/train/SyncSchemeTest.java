package io.convoy.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig.TrainSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncSchemeTest {

    private static TrainSettings train(String... overrides) {
        List<String> all = new ArrayList<>(List.of("data.path=/x"));
        all.addAll(List.of(overrides));
        return ConfigLoader.load(null, all).train();
    }

    @Test
    void trainSyncPicksTheScheme() {
        assertInstanceOf(AveragingScheme.class, SyncScheme.of(train("train.sync=averaging")));
        assertInstanceOf(SharingScheme.class, SyncScheme.of(train("train.sync=sharing")));
    }

    @Test
    void preciseBatchNormOnAutoRunsUnlessOneWorkerAverages() {
        for (String sync : List.of("averaging", "sharing")) {
            for (String mode : List.of("auto", "true", "false")) {
                for (int workers : List.of(1, 2)) {
                    TrainSettings t = train("train.sync=" + sync, "train.precise-bn.enabled=" + mode);
                    boolean expected = mode.equals("true")
                            || (mode.equals("auto") && (sync.equals("sharing") || workers > 1));
                    assertEquals(expected, SyncScheme.of(t).recomputesBatchNorm(t.preciseBn(), workers),
                            sync + ", precise-bn " + mode + ", " + workers + " workers");
                }
            }
        }
    }

    @Test
    void sharingReportsNoLossAndNoSamples() {
        SyncScheme sharing = SyncScheme.of(train("train.sync=sharing", "train.loss-sample-every=2"));
        assertNull(sharing.trainingLoss(null), "DL4J aggregates no score under sharing");
        assertNull(sharing.lossSamples(0, 8));
    }

    @Test
    void lossSamplesAreTheWorkersMeanAtEveryNthGlobalIteration() {
        // two rounds (stages 7 and 9) of 4 iterations on two workers: [stage, iteration within the task, loss]
        List<double[]> samples = List.of(new double[] {7, 2, 1.0}, new double[] {7, 2, 3.0}, new double[] {7, 4, 2.0},
                new double[] {9, 2, 5.0}, new double[] {9, 4, 4.0}, new double[] {9, 4, 6.0}, new double[] {9, 3, 9.0});
        assertEquals(List.of(List.of(102.0, 2.0), List.of(104.0, 2.0), List.of(106.0, 5.0), List.of(108.0, 5.0)),
                AveragingScheme.lossEvery(samples, 100, 4, 2));
    }
}
