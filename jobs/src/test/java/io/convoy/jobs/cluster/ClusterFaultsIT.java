package io.convoy.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.CheckpointInfo;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults on the multi-JVM standalone cluster, done for real: a Worker JVM and its executor are killed (SIGKILL)
 * in the middle of an epoch, and a driver JVM is killed in the middle of an epoch and the run resumed.
 */
@Tag("slow")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterFaultsIT {
    private static final List<String> SPARK_ARGS = ClusterRuns.SPARK_ARGS;

    @TempDir
    static Path tmp;
    static LocalStandaloneCluster cluster;
    static Path data;

    @BeforeAll
    static void startCluster() throws Exception {
        data = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(data, 2, 300, 100, 21);
        cluster = LocalStandaloneCluster.start(Path.of("target/convoy.jar"), tmp.resolve("spark"), 2, 1, "2g",
                Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<String> trainArgs(String name, String sync) throws Exception {
        Path conf = ClusterRuns.runFile(tmp, name, sync, 3, tmp.resolve("runs-" + name));
        return List.of("train", conf.toString(), "data.path=" + data);
    }

    /** Waits for the first checkpoint of the only run under runs-NAME, then a few seconds into epoch 2. */
    private static Path awaitSecondEpoch(String name, LocalStandaloneCluster.Running running) throws Exception {
        Path runs = tmp.resolve("runs-" + name);
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (!running.process().isAlive()) {
                throw new AssertionError("the run ended before its first checkpoint:\n" + running.output());
            }
            if (Files.isDirectory(runs)) {
                try (Stream<Path> dirs = Files.list(runs)) {
                    List<Path> all = dirs.toList();
                    if (all.size() == 1 && Files.exists(all.get(0).resolve("checkpoints/epoch-0001.zip"))
                            && Files.exists(all.get(0).resolve("manifest.json"))) {
                        Thread.sleep(4000);
                        return all.get(0);
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no first checkpoint within 5 minutes:\n" + running.output());
    }

    private static List<Integer> epochs(Path runDir) {
        return RunStore.open(runDir.toString(), new Configuration()).manifest().stream()
                .map(CheckpointInfo::epoch).toList();
    }

    @Test
    @Order(1)
    void averagingCompletesWhenAWorkerDiesMidEpoch() throws Exception {
        LocalStandaloneCluster.Running run = cluster.start(SPARK_ARGS, trainArgs("avg", "averaging"));
        Path runDir = awaitSecondEpoch("avg", run);
        cluster.killWorker(2);
        LocalStandaloneCluster.Submission done = run.await(Duration.ofMinutes(8));
        cluster.restartWorker(2, Duration.ofMinutes(2));
        System.out.println("averaging, worker killed in epoch 2: exit " + done.exitCode());
        assertEquals(0, done.exitCode(), done.output());
        assertTrue(done.output().contains("test: 100 records"), done.output());
        assertEquals(List.of(1, 2, 3), epochs(runDir));
        // the final checkpoint loads and evaluates
        LocalStandaloneCluster.Submission eval = cluster.submit(SPARK_ARGS,
                List.of("evaluate", "--run", runDir.toString(), "--checkpoint", "latest"), Duration.ofMinutes(4));
        assertEquals(0, eval.exitCode(), eval.output());
        assertTrue(eval.output().contains("100 records"), eval.output());
    }

    @Test
    @Order(2)
    void sharingLosesAWorkerThenResumeFinishesTheRun() throws Exception {
        LocalStandaloneCluster.Running run = cluster.start(SPARK_ARGS, trainArgs("share", "sharing"));
        Path runDir = awaitSecondEpoch("share", run);
        cluster.killWorker(2);
        LocalStandaloneCluster.Submission first = run.await(Duration.ofMinutes(6));
        cluster.restartWorker(2, Duration.ofMinutes(2));
        System.out.println("sharing, worker killed in epoch 2: exit " + first.exitCode());
        if (first.exitCode() != 0) {
            // it failed (or was stopped after the timeout): the checkpoint of epoch 1 at least survived
            assertTrue(epochs(runDir).contains(1), first.output());
            LocalStandaloneCluster.Submission resumed = cluster.submit(SPARK_ARGS,
                    List.of("train", "--resume", runDir.toString()), Duration.ofMinutes(8));
            assertEquals(0, resumed.exitCode(), resumed.output());
            assertTrue(resumed.output().contains("resuming"), resumed.output());
        }
        assertEquals(List.of(1, 2, 3), epochs(runDir));
    }

    @Test
    @Order(3)
    void aKilledDriverLosesAtMostOneEpochAndResumes() throws Exception {
        LocalStandaloneCluster.Running run = cluster.start(SPARK_ARGS, trainArgs("driver", "averaging"));
        Path runDir = awaitSecondEpoch("driver", run);
        run.kill();
        run.process().waitFor();
        List<Integer> before = epochs(runDir);
        assertTrue(before.contains(1), "epoch 1 was checkpointed before the kill: " + before);
        LocalStandaloneCluster.Submission resumed = cluster.submit(SPARK_ARGS,
                List.of("train", "--resume", runDir.toString()), Duration.ofMinutes(8));
        assertEquals(0, resumed.exitCode(), resumed.output());
        assertTrue(resumed.output().contains("resuming"), resumed.output());
        assertEquals(List.of(1, 2, 3), epochs(runDir));
        // no partial file was taken for a checkpoint: every entry verifies and the last one loads
        assertEquals(3, RunStore.open(runDir.toString(), new Configuration()).loadLatestGood().orElseThrow().info().epoch());
    }
}
