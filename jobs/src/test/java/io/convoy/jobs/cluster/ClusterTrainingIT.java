package io.convoy.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.convoy.driver.train.sharing.AeronDirectories;
import io.convoy.worker.data.SyntheticImages;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Both synchronisation schemes on a real Spark standalone cluster: a Master and two Workers in their own JVMs,
 * each Worker forking one single-core executor JVM; the job goes in through SparkSubmit as a separate driver JVM.
 * And (issue 14) an ImageNet-style dataset whose decoded epoch is larger than the executors' storage memory.
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

    /** Ten colours, one per class: a colour survives the random-resized crop and the flip of image-file shards. */
    private static final int[][] COLOURS = {{220, 40, 40}, {40, 200, 40}, {40, 60, 220}, {220, 220, 40}, {200, 40, 200},
            {40, 200, 200}, {240, 140, 30}, {120, 60, 20}, {140, 140, 140}, {30, 30, 30}};

    /** {@code <root>/<split>/c<k>/<i>.png}: 64x64 images of class k's colour with per-pixel noise. */
    private static void writeImageTree(Path root, String split, int count, long seed) throws IOException {
        Random rng = new Random(seed);
        for (int i = 0; i < count; i++) {
            int label = i % COLOURS.length;
            BufferedImage img = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 64; y++) {
                for (int x = 0; x < 64; x++) {
                    int rgb = 0;
                    for (int c = 0; c < 3; c++) {
                        int v = COLOURS[label][c] + (int) (rng.nextGaussian() * 20);
                        rgb = rgb << 8 | Math.max(0, Math.min(255, v));
                    }
                    img.setRGB(x, y, rgb);
                }
            }
            Path file = root.resolve(split).resolve("c" + label).resolve(i + ".png");
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
        }
    }

    /**
     * From a Spark event log written with {@code spark.eventLog.logBlockUpdates.enabled}: the storage memory of the
     * executors' block managers, the RDD block updates seen, and the most RDD bytes held in memory at once.
     */
    record StoredBlocks(long executorStorage, int updates, long maxHeld) {
        static StoredBlocks read(Path eventLogDir) throws IOException {
            ObjectMapper json = new ObjectMapper();
            long storage = 0;
            int updates = 0;
            long held = 0;
            long maxHeld = 0;
            Map<String, Long> blocks = new HashMap<>();
            List<Path> logs;
            try (Stream<Path> files = Files.list(eventLogDir)) {
                logs = files.toList();
            }
            assertEquals(1, logs.size(), "one application's event log: " + logs);
            for (String line : Files.readAllLines(logs.get(0))) {
                JsonNode e = json.readTree(line);
                String event = e.path("Event").asText();
                if (event.equals("SparkListenerBlockManagerAdded")
                        && !e.path("Block Manager ID").path("Executor ID").asText().equals("driver")) {
                    storage += e.path("Maximum Memory").asLong();
                } else if (event.equals("SparkListenerBlockUpdated")) {
                    JsonNode info = e.path("Block Updated Info");
                    if (!info.path("Block ID").asText().startsWith("rdd_")) {
                        continue;
                    }
                    updates++;
                    String key = info.path("Block Manager ID").path("Executor ID").asText() + "/"
                            + info.path("Block ID").asText();
                    long size = info.path("Memory Size").asLong();
                    Long before = size > 0 ? blocks.put(key, size) : blocks.remove(key);
                    held += size - (before == null ? 0 : before);
                    maxHeld = Math.max(maxHeld, held);
                }
            }
            return new StoredBlocks(storage, updates, maxHeld);
        }
    }

    /**
     * Issue 14: 6,000 64x64 images prepared into shards are 281 MB of decoded floats an epoch, against ~145 MB of
     * storage memory on two 1 GB executors ({@code spark.memory.fraction} 0.1). The run trains two epochs to
     * completion, above chance, while the executors' block managers hold no more than the cached test split (Spark's
     * own event log of every block update says so), and the executors stay under 2 GB resident each.
     */
    @Test
    void anImageTreeLargerThanTheExecutorsStorageMemoryTrainsOnTheCluster() throws Exception {
        int train = 6000;
        Path images = tmp.resolve("images");
        writeImageTree(images, "train", train, 21);
        writeImageTree(images, "val", 500, 22);
        Path shards = tmp.resolve("image-shards");
        LocalStandaloneCluster.Submission prep = cluster.submit(ClusterRuns.SPARK_ARGS, List.of("prepare-data",
                "--source", "folders", "--input", images.toString(), "--output", shards.toString(),
                "--shard-size", "512KB"), Duration.ofMinutes(4));
        assertEquals(0, prep.exitCode(), prep.output());

        Path events = Files.createDirectories(tmp.resolve("events"));
        Path conf = tmp.resolve("larger.conf");
        Files.writeString(conf, String.join("\n",
                "model { name = resnet8, width = 0.5 }",
                "data { format = shards, image-size = 64 }",
                "train { epochs = 2, batch-size-per-worker = 32, workers = 2, sync = averaging,",
                "  optimizer.lr = 0.05, lr-schedule.type = constant }",
                "eval.batch-size = 100",
                "run { dir = \"" + tmp.resolve("runs") + "\", name = larger-than-storage }"));
        LocalStandaloneCluster.Submission s = cluster.submit(List.of("--total-executor-cores", "2",
                        "--executor-memory", "1g", "--conf", "spark.executor.cores=1",
                        "--conf", "spark.memory.fraction=0.1",
                        "--conf", "spark.eventLog.enabled=true", "--conf", "spark.eventLog.dir=" + events.toUri(),
                        "--conf", "spark.eventLog.logBlockUpdates.enabled=true"),
                List.of("train", conf.toString(), "data.path=" + shards), Duration.ofMinutes(10));
        double error = ClusterRuns.testTopOneError(s, 500);

        StoredBlocks stored = StoredBlocks.read(events);
        double mb = 1048576.0;
        double decoded = train * 3 * 64 * 64 * 4 / mb;
        double rss = ClusterRuns.maxMetric(s, "executor_rss_mb");
        System.out.printf("standalone cluster, 2 executors of 1 GB: decoded epoch %.0f MB, executors' storage memory "
                        + "%.0f MB, RDD blocks in memory at most %.1f MB (%d updates), executor RSS at most %.0f MB, "
                        + "top-1 error %.2f%%%n", decoded, stored.executorStorage() / mb, stored.maxHeld() / mb,
                stored.updates(), rss, error);
        assertTrue(stored.executorStorage() > 0 && decoded > 1.5 * stored.executorStorage() / mb,
                "the decoded epoch (" + decoded + " MB) is larger than the storage memory ("
                        + stored.executorStorage() / mb + " MB)");
        // the log saw the cached test split go in (so it can see minibatches too), and nothing near an epoch's floats
        assertTrue(stored.updates() > 0, "no RDD block update in the event log");
        assertTrue(stored.maxHeld() / mb < 20, stored.maxHeld() / mb + " MB of RDD blocks in memory at most");
        assertTrue(rss > 0 && rss < 2048, "executor resident set " + rss + " MB");
        assertTrue(error < 50, "above chance (90%): top-1 error " + error + "%");
    }
}
