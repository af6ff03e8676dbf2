package io.convoy.worker.monitor;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.SparkEnv;
import org.bytedeco.javacpp.Pointer;

/**
 * Memory and gradient-sharing counts of one executor JVM, taken inside a Spark task.
 *
 * @param executorId      Spark's executor id ("driver" in local mode)
 * @param heapAfterGcBytes heap in use right after the last garbage collection of each pool (what survives: the signal
 *                         a leak shows in, unlike the saw-tooth of the heap in use)
 * @param heapCommittedBytes heap the JVM holds from the OS
 * @param rssBytes        resident set of the whole process ({@code VmRSS}: heap, ND4J's native buffers, libraries)
 * @param nativeBytes     bytes ND4J holds off-heap through JavaCPP ({@code Pointer.totalBytes()})
 * @param encoding        gradient-sharing messages since the last snapshot of this JVM
 */
public record ExecutorSnapshot(String executorId, long heapAfterGcBytes, long heapCommittedBytes, long rssBytes,
                               long nativeBytes, EncodingStats encoding) implements Serializable {

    /** This JVM, now; drains its {@link EncodingStats}. */
    public static ExecutorSnapshot take() {
        long afterGc = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage u = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (u != null) {
                afterGc += u.getUsed();
            }
        }
        long committed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        SparkEnv env = SparkEnv.get();
        return new ExecutorSnapshot(env == null ? "?" : env.executorId(), afterGc, committed, residentBytes(),
                Pointer.totalBytes(), EncodingStats.drain());
    }

    /** VmRSS from /proc/self/status (Linux); JavaCPP's physical-bytes reading elsewhere. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: fall through
        }
        return Pointer.physicalBytes();
    }
}
