package io.convoy.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.train.sharing.AeronDirectories;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The small run the cluster tests submit: a ResNet-8 on generated CIFAR-10 images, two workers of batch 25, a constant
 * learning rate of 0.05, on two single-core executors.
 */
final class ClusterRuns {
    /** spark-submit's arguments: two single-core executors of 1.5 GB. */
    static final List<String> SPARK_ARGS = List.of("--total-executor-cores", "2", "--executor-memory", "1500m",
            "--conf", "spark.executor.cores=1");

    private ClusterRuns() {
    }

    /** Writes {@code <dir>/<name>.conf}: the run, {@code epochs} long, with {@code sync}, into {@code runs}. */
    static Path runFile(Path dir, String name, String sync, int epochs, Path runs) throws IOException {
        Path conf = dir.resolve(name + ".conf");
        Files.writeString(conf, String.join("\n",
                "model.name = resnet8",
                "data { format = cifar10 }",
                "train { epochs = " + epochs + ", batch-size-per-worker = 25, workers = 2, sync = " + sync + ",",
                "  optimizer.lr = 0.05, lr-schedule.type = constant }",
                "run { dir = \"" + runs + "\", name = " + name + " }"));
        return conf;
    }

    /**
     * No process of this JVM's outlives the cluster (Master, Workers, executors, drivers; within 30 s), and no Aeron
     * directory appeared in /dev/shm since {@code aeronBefore} ({@link AeronDirectories#snapshot()}).
     */
    static void assertNothingLeftBehind(Set<String> aeronBefore) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (ProcessHandle.current().descendants().findAny().isPresent() && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(List.of(), ProcessHandle.current().descendants().map(p -> p.info().commandLine().orElse("?")).toList());
        Set<String> leftover = new HashSet<>(AeronDirectories.snapshot());
        leftover.removeAll(aeronBefore);
        assertEquals(Set.of(), leftover, "Aeron directories left in /dev/shm");
    }

    /** The top-1 error (%) a finished {@code train} printed for its test split of {@code records} records. */
    static double testTopOneError(LocalStandaloneCluster.Submission s, int records) {
        assertEquals(0, s.exitCode(), s.output());
        Matcher m = Pattern.compile("test: " + records + " records, top-1 error ([0-9.]+)%").matcher(s.output());
        assertTrue(m.find(), s.output());
        return Double.parseDouble(m.group(1));
    }

    /** The largest value of {@code key} over the epochs of the run a finished {@code train} printed. */
    static double maxMetric(LocalStandaloneCluster.Submission s, String key) throws IOException {
        Matcher m = Pattern.compile("run (\\S+): model").matcher(s.output());
        assertTrue(m.find(), s.output());
        Path metrics = Path.of(java.net.URI.create(m.group(1).startsWith("file:") ? m.group(1) : "file:" + m.group(1)))
                .resolve("metrics.jsonl");
        double max = Double.NEGATIVE_INFINITY;
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        for (String line : Files.readAllLines(metrics)) {
            com.fasterxml.jackson.databind.JsonNode value = line.isBlank() ? null : json.readTree(line).get(key);
            if (value != null) {
                max = Math.max(max, value.asDouble());
            }
        }
        return max;
    }
}
