package io.convoy.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.data.prepare.PrepareData;
import io.convoy.driver.data.prepare.PrepareSettings;
import io.convoy.driver.data.prepare.SourceFormat;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: an epoch whose decoded minibatches are larger than the executors' storage memory trains, and nothing
 * decoded is kept. Spark local[2] with its unified memory cut down ({@code spark.testing.memory} 480 MB, memory
 * fraction 0.2: about 36 MB for storage and execution together) trains on 4,000 CIFAR-style shard records, 49 MB of
 * decoded floats an epoch. While it trains, the block managers never hold more than the cached test records (a
 * listener follows every block stored); the layout before the round plan (the decoded epoch persisted) stores as many
 * of its four 12 MB partitions as fit and decodes the others twice.
 */
class LargerThanStorageTest {
    private static final int TRAIN = 4000;

    @TempDir
    Path tmp;

    private static JavaSparkContext smallStorage() {
        return SparkContexts.create(new SparkSettings("local[2]", "larger-than-storage", Map.of(
                "spark.ui.enabled", "false", "spark.testing.memory", String.valueOf(480L << 20),
                "spark.memory.fraction", "0.2")));
    }

    private List<EpochMetrics> train(JavaSparkContext sc, Path shards, String name, int epochs) {
        return new TrainingRun(ConfigLoader.load(null, List.of("data.format=shards", "data.path=" + shards,
                "run.dir=" + tmp.resolve("runs"), "run.name=" + name, "model.name=resnet8", "model.width=0.5",
                "train.epochs=" + epochs, "train.batch-size-per-worker=32", "train.workers=4",
                "train.optimizer.lr=0.05", "train.lr-schedule.type=constant", "data.augment.pad=0",
                "eval.batch-size=100", "spark.master=local[2]"))).run(sc).epochs();
    }

    /** The RDD blocks in the block managers' memory, and the most they held at once since the last reset. */
    private static final class StoredBlocks extends org.apache.spark.scheduler.SparkListener {
        private final Map<String, Long> bytes = new java.util.concurrent.ConcurrentHashMap<>();
        private volatile long max;

        @Override
        public synchronized void onBlockUpdated(org.apache.spark.scheduler.SparkListenerBlockUpdated update) {
            var info = update.blockUpdatedInfo();
            if (!info.blockId().isRDD()) {
                return;
            }
            String key = info.blockManagerId() + "/" + info.blockId();
            if (info.memSize() > 0) {
                bytes.put(key, info.memSize());
            } else {
                bytes.remove(key);
            }
            max = Math.max(max, bytes.values().stream().mapToLong(Long::longValue).sum());
        }

        synchronized void reset() {
            max = bytes.values().stream().mapToLong(Long::longValue).sum();
        }

        double maxMb() {
            return max / 1048576.0;
        }
    }

    @Test
    void anEpochLargerThanStorageMemoryTrainsWithoutCachingDecodedMinibatches() throws Exception {
        Path src = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(src, 5, TRAIN / 5, 500, 11);
        Path shards = tmp.resolve("shards");
        double decodedMb = TRAIN * 3 * 32 * 32 * 4 / 1048576.0;
        try (JavaSparkContext sc = smallStorage()) {
            new PrepareData(new PrepareSettings(SourceFormat.CIFAR10, src.toString(), shards.toString(), 200 * 3100,
                    false, null, null, 10, false), new Configuration()).run(() -> sc);
            long storageMax = 0;
            for (scala.Tuple2<Object, Object> maxAndFree : scala.collection.JavaConverters
                    .mapAsJavaMap(sc.sc().getExecutorMemoryStatus()).values()) {
                storageMax += (Long) maxAndFree._1();
            }
            double storageMaxMb = storageMax / 1048576.0;
            assertTrue(decodedMb > 1.25 * storageMaxMb, "the decoded epoch (" + decodedMb + " MB) is larger than the "
                    + "storage memory (" + storageMaxMb + " MB)");

            StoredBlocks stored = new StoredBlocks();
            sc.sc().addSparkListener(stored);
            List<EpochMetrics> planned = train(sc, shards, "planned", 2);
            assertEquals(2, planned.size());
            // the cached test split (500 records of 3 KB), no minibatch
            System.out.printf("LargerThanStorageTest: decoded epoch %.1f MB, storage memory %.1f MB, RDD blocks at most "
                    + "%.1f MB (round layout)%n", decodedMb, storageMaxMb, stored.maxMb());
            assertTrue(stored.maxMb() < 6, stored.maxMb() + " MB of RDD blocks in storage memory at most");
            double error = planned.get(1).top1Error();
            assertTrue(error < 0.6, "above chance (0.9): top-1 error " + error);

            String before = System.getProperty(SyncScheme.PERSIST_PROPERTY);
            System.setProperty(SyncScheme.PERSIST_PROPERTY, "true");
            try {
                stored.reset();
                train(sc, shards, "persisted", 1);
                System.out.printf("LargerThanStorageTest: RDD blocks at most %.1f MB (persisted epoch)%n", stored.maxMb());
                assertTrue(stored.maxMb() > 10, "the persisted epoch stores decoded minibatches: " + stored.maxMb() + " MB");
            } finally {
                if (before == null) {
                    System.clearProperty(SyncScheme.PERSIST_PROPERTY);
                } else {
                    System.setProperty(SyncScheme.PERSIST_PROPERTY, before);
                }
            }
        }
    }
}
