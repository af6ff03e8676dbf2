package io.convoy.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What each scheme opens on the executors, read from /proc while a job trains on the local standalone cluster:
 * parameter averaging no UDP socket at all; gradient sharing its Aeron sockets, every one on the configured address
 * (network-mask 127.0.0.0/8 for the executors, the controller address 127.0.0.1 on the driver).
 */
@Tag("slow")
class AeronExposureIT {
    @TempDir
    static Path tmp;
    static LocalStandaloneCluster cluster;
    static Path data;

    @BeforeAll
    static void startCluster() throws Exception {
        data = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(data, 1, 400, 40, 3);
        cluster = LocalStandaloneCluster.start(Path.of("target/convoy.jar"), tmp.resolve("spark"), 2, 1, "2g",
                Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** UDP sockets seen while one job trained: on the executors, and on the driver JVM. */
    record Seen(Set<String> executors, Set<String> driver) {
    }

    /** Trains one epoch and returns every UDP socket ("address:port") seen on the executors and the driver meanwhile. */
    private static Seen udpWhileTraining(String sync, String... more) throws Exception {
        Path conf = tmp.resolve(sync + ".conf");
        Files.writeString(conf, String.join("\n",
                "model { name = resnet8, width = 0.5 }",
                "data { format = cifar10 }",
                "train { epochs = 1, batch-size-per-worker = 20, workers = 2, sync = " + sync + " }",
                "run { dir = \"" + tmp.resolve("runs") + "\", name = " + sync + " }"));
        List<String> args = new java.util.ArrayList<>(List.of("train", conf.toString(), "data.path=" + data));
        args.addAll(List.of(more));
        LocalStandaloneCluster.Running run = cluster.start(List.of("--total-executor-cores", "2", "--executor-memory",
                "1g", "--conf", "spark.executor.cores=1"), args);
        Set<String> seen = new TreeSet<>();
        Set<String> driver = new TreeSet<>();
        int samples = 0;
        while (run.process().isAlive()) {
            driver.addAll(UdpSockets.of(run.process().pid()));
            for (ProcessHandle e : cluster.executors()) {
                for (String s : UdpSockets.of(e.pid())) {
                    seen.add(s);
                }
                samples++;
            }
            Thread.sleep(300);
        }
        LocalStandaloneCluster.Submission done = run.await(Duration.ofMinutes(1));
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(samples > 4, "the executors were sampled while they ran (" + samples + " samples)");
        System.out.println(sync + ": UDP sockets while training: executors " + seen + ", driver " + driver);
        return new Seen(seen, driver);
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void averagingOpensNoUdpSocketAndSharingOnlyOnTheConfiguredAddress() throws Exception {
        Seen averaging = udpWhileTraining("averaging");
        assertEquals(Set.of(), averaging.executors());
        assertEquals(Set.of(), averaging.driver());
        Seen sharing = udpWhileTraining("sharing", "train.sharing.network-mask=127.0.0.0/8");
        assertFalse(sharing.executors().isEmpty(), "gradient sharing opened its Aeron endpoints");
        assertFalse(sharing.driver().isEmpty(), "the driver opened the controller's endpoint");
        for (String s : union(sharing.executors(), sharing.driver())) {
            assertTrue(s.startsWith("127.0.0.1:"), "socket " + s + " is not on the configured address: " + sharing);
        }
    }
}
