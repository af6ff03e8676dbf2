package io.convoy.worker.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Each figure of the executor sample moves with the thing it names, measured on the real ND4J and Spark. */
class ExecutorSnapshotTest {
    private static final long MB = 1024 * 1024;

    @Test
    void nd4jBytesCountLiveArraysAndDropWhenTheyAreClosed() {
        ExecutorSnapshot.nd4jHostBytes(); // loads ND4J
        long before = ExecutorSnapshot.nd4jHostBytes();
        assertTrue(before >= 0, "the CPU backend exposes libnd4j's host counter: " + before);
        long javacppBefore = org.bytedeco.javacpp.Pointer.totalBytes();
        INDArray a = Nd4j.create(DataType.FLOAT, 16, 1024, 1024); // 64 MB
        long held = ExecutorSnapshot.nd4jHostBytes();
        assertTrue(held - before >= 64 * MB, "64 MB array counted: " + (held - before) / MB + " MB more");
        // the figure the probe used to report does not see it (why it read a few MB while GBs were held)
        assertTrue(org.bytedeco.javacpp.Pointer.totalBytes() - javacppBefore < 8 * MB);
        a.close();
        long after = ExecutorSnapshot.nd4jHostBytes();
        assertTrue(held - after >= 64 * MB, "closed array released: " + (held - after) / MB + " MB less");
    }

    @Test
    void residentSetIsTheKernelsFigure() throws Exception {
        long rss = ExecutorSnapshot.residentBytes();
        long kernel = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024).findFirst().orElseThrow();
        // two readings a moment apart: within 64 MB of each other, and far above the heap-only figure of a few MB
        assertTrue(Math.abs(rss - kernel) < 64 * MB, rss + " vs " + kernel);
        assertTrue(rss > 50 * MB, "a JVM with ND4J loaded holds more than 50 MB: " + rss);
    }

    @Test
    void sparkStorageAndBroadcastBlocksFollowCachesAndBroadcasts() {
        SparkConf conf = new SparkConf().setMaster("local[1]").setAppName("snapshot-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            ExecutorSnapshot empty = sc.parallelize(List.of(1), 1).map(i -> ExecutorSnapshot.take()).collect().get(0);
            assertEquals("driver", empty.executorId());
            assertEquals(0, empty.rddBlocks());
            // (each job's task binary is a broadcast too, until Spark's cleaner drops it: compare, do not count)

            JavaRDD<byte[]> cached = sc.parallelize(List.of(0, 1, 2, 3), 4).map(i -> new byte[4 * 1024 * 1024]).cache();
            cached.count();
            Broadcast<byte[]> b = sc.broadcast(new byte[2 * 1024 * 1024]);
            sc.parallelize(List.of(1), 1).map(i -> b.value().length).collect();
            ExecutorSnapshot full = sc.parallelize(List.of(1), 1).map(i -> ExecutorSnapshot.take()).collect().get(0);
            assertEquals(4, full.rddBlocks());
            assertTrue(full.broadcastBlocks() >= empty.broadcastBlocks() + 2,
                    "broadcast value and piece: " + empty.broadcastBlocks() + " -> " + full.broadcastBlocks());
            assertTrue(full.broadcastBytes() - empty.broadcastBytes() >= 2 * MB, "2 MB broadcast: " + full.broadcastBytes());
            assertTrue(full.storageBytes() - empty.storageBytes() >= 16 * MB,
                    "four 4 MB blocks and a 2 MB broadcast: " + full.storageBytes() / MB + " MB");

            cached.unpersist(true);
            b.destroy(true);
            ExecutorSnapshot freed = sc.parallelize(List.of(1), 1).map(i -> ExecutorSnapshot.take()).collect().get(0);
            assertEquals(0, freed.rddBlocks());
            // (the block count is not compared: each job in between adds its task binary's broadcast)
            assertTrue(freed.broadcastBytes() < 1 * MB, "destroyed broadcast's bytes gone: " + freed.broadcastBytes());
            assertTrue(freed.storageBytes() < 2 * MB, "storage released: " + freed.storageBytes());
        }
    }
}
