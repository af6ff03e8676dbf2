package io.convoy.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.train.sharing.AeronDirectories;
import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both synchronisation schemes on a real Spark standalone cluster: a Master and two Workers in their own JVMs,
 * each Worker forking one single-core executor JVM; the job goes in through SparkSubmit as a separate driver JVM.
 */
@Tag("slow")
class ClusterTrainingIT {
    @TempDir
    static Path tmp;
    static LocalStandaloneCluster cluster;
    static Path data;
    static Set<String> aeronBefore;

    @BeforeAll
    static void startCluster() throws Exception {
        aeronBefore = AeronDirectories.snapshot();
        data = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(data, 2, 300, 200, 11);
        cluster = LocalStandaloneCluster.start(Path.of("target/convoy.jar"), tmp.resolve("spark"), 2, 1, "2g",
                Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        ClusterRuns.assertNothingLeftBehind(aeronBefore);
    }

    private static double train(String sync) throws Exception {
        Path conf = ClusterRuns.runFile(tmp, sync, sync, 2, tmp.resolve("runs"));
        LocalStandaloneCluster.Submission s = cluster.submit(ClusterRuns.SPARK_ARGS,
                List.of("train", conf.toString(), "data.path=" + data), Duration.ofMinutes(8));
        double error = ClusterRuns.testTopOneError(s, 200);
        // the progress line and the per-epoch line are both there
        assertTrue(s.output().contains("epoch 2/2 ["), s.output());
        // the per-epoch executor sample reached both executor JVMs; under sharing it counted the encoded messages
        assertTrue(s.output().contains("executors sampled 2:"), s.output());
        assertEquals(sync.equals("sharing"), s.output().contains("% of dense float32"), s.output());
        return error;
    }

    @Test
    void averagingAndSharingBothLearnAcrossExecutorJvms() throws Exception {
        double averaging = train("averaging");
        double sharing = train("sharing");
        System.out.printf("standalone cluster, 2 executor JVMs, 2 epochs: top-1 error averaging %.2f%%, sharing %.2f%%%n",
                averaging, sharing);
        // chance is 90% top-1 error on ten classes
        assertTrue(averaging < 30, "averaging top-1 error " + averaging + "%");
        assertTrue(sharing < 30, "sharing top-1 error " + sharing + "%");
        assertTrue(sharing <= averaging + 5, "sharing " + sharing + "% vs averaging " + averaging + "%");
    }
}
