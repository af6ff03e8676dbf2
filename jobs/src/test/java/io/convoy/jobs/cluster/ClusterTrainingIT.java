package io.convoy.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.train.sharing.AeronDirectories;
import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
        // no process of ours outlives the cluster (Master, Workers, executors, drivers)
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ProcessHandle.current().descendants().findAny().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of(), ProcessHandle.current().descendants().map(p -> p.info().commandLine().orElse("?")).toList());
        Set<String> leftover = new HashSet<>(AeronDirectories.snapshot());
        leftover.removeAll(aeronBefore);
        assertEquals(Set.of(), leftover, "Aeron directories left in /dev/shm");
    }

    private static double train(String sync) throws Exception {
        Path conf = tmp.resolve(sync + ".conf");
        Files.writeString(conf, String.join("\n",
                "model.name = resnet8",
                "data { format = cifar10 }",
                "train { epochs = 2, batch-size-per-worker = 25, workers = 2, sync = " + sync + ",",
                "  optimizer.lr = 0.05, lr-schedule.type = constant }",
                "run { dir = \"" + tmp.resolve("runs") + "\", name = " + sync + " }"));
        LocalStandaloneCluster.Submission s = cluster.submit(
                List.of("--total-executor-cores", "2", "--executor-memory", "1500m", "--conf", "spark.executor.cores=1"),
                List.of("train", conf.toString(), "data.path=" + data), Duration.ofMinutes(8));
        assertEquals(0, s.exitCode(), s.output());
        assertTrue(s.output().contains("test: 200 records"), s.output());
        // the progress line and the per-epoch line are both there
        assertTrue(s.output().contains("epoch 2/2 ["), s.output());
        // the per-epoch executor sample reached both executor JVMs; under sharing it counted the encoded messages
        assertTrue(s.output().contains("executors sampled 2:"), s.output());
        assertEquals(sync.equals("sharing"), s.output().contains("% of dense float32"), s.output());
        Matcher m = Pattern.compile("test: 200 records, top-1 error ([0-9.]+)%").matcher(s.output());
        assertTrue(m.find(), s.output());
        return Double.parseDouble(m.group(1));
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
