package io.convoy.worker.monitor;

import java.io.IOException;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.storage.BlockId;
import org.apache.spark.storage.BlockStatus;
import scala.collection.JavaConverters;
import org.bytedeco.javacpp.Pointer;
import org.slf4j.LoggerFactory;

/**
 * Memory and gradient-sharing counts of one executor JVM, taken inside a Spark task.
 *
 * <p>Where the off-heap memory of a Convoy JVM is counted (ND4J 1.0.0-M2.1, CPU backend): an {@code INDArray}'s data
 * buffer is allocated by libnd4j itself ({@code allocateDataBuffer}), which counts it in its own memory counter
 * ({@code sd::memory::MemoryCounter}, read here through {@code Environment.getGroupCounter(HOST)}); JavaCPP's
 * {@code Pointer.totalBytes()} sees only the buffers Java allocates through JavaCPP (shape descriptors, constants),
 * a few MB, and ND4J's {@code AllocationsTracker} only workspaces and constants, and the workspaces wrongly (see
 * {@link LiveWorkspaces}, which counts them instead). So {@link #nd4jBytes} is the
 * figure that grows when arrays are leaked; {@link #javacppBytes} the one {@code -Dorg.bytedeco.javacpp.maxbytes}
 * limits.
 *
 * @param executorId        Spark's executor id ("driver" in local mode)
 * @param heapAfterGcBytes  heap in use right after the last garbage collection of each pool (what survives: the signal
 *                          a leak shows in, unlike the saw-tooth of the heap in use)
 * @param heapCommittedBytes heap the JVM holds from the OS
 * @param rssBytes          resident set of the whole process ({@code VmRSS} from /proc/self/status: heap, native
 *                          buffers, libraries, and what the C allocator keeps after a free)
 * @param nd4jBytes         bytes of the live ND4J data buffers outside workspaces (libnd4j's host memory counter;
 *                          -1 where the backend does not expose it)
 * @param workspaceBytes    bytes the live threads' ND4J workspaces hold ({@link LiveWorkspaces}; -1 if unreadable)
 * @param javacppBytes      bytes allocated through JavaCPP and not yet freed ({@code Pointer.totalBytes()})
 * @param storageBytes      Spark storage memory in use in this JVM (cached RDD blocks and broadcasts)
 * @param broadcastBlocks   broadcast blocks (values and pieces) this JVM's block manager holds
 * @param broadcastBytes    their size in memory as Spark's block manager records it (pieces: serialised bytes;
 *                          values: Spark's estimate of the Java objects, which does not see ND4J's native buffers)
 * @param rddBlocks         RDD blocks this JVM's block manager holds
 * @param encoding          gradient-sharing messages since the last snapshot of this JVM
 * @param work              the training iterations' phases and the threads' CPU time since the last snapshot
 */
public record ExecutorSnapshot(String executorId, long heapAfterGcBytes, long heapCommittedBytes, long rssBytes,
                               long nd4jBytes, long workspaceBytes, long javacppBytes, long storageBytes,
                               int broadcastBlocks, long broadcastBytes, int rddBlocks, EncodingStats encoding,
                               WorkTimes work)
        implements Serializable {

    /** libnd4j's {@code sd::memory::MemoryType::HOST}. */
    private static final int HOST_GROUP = 0;
    /** Diagnosis: {@code -Dconvoy.probe.workspaces=true} logs each live thread's ND4J workspaces at every sample. */
    public static final String WORKSPACES_PROPERTY = "convoy.probe.workspaces";

    /** This JVM, now; drains its {@link EncodingStats} and {@link WorkTimes}. */
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
        long storage = 0;
        int broadcasts = 0;
        long broadcastBytes = 0;
        int rdds = 0;
        if (env != null) {
            storage = env.memoryManager().storageMemoryUsed();
            List<BlockId> ids = JavaConverters.seqAsJavaList(
                    env.blockManager().getMatchingBlockIds(id -> id.isBroadcast()));
            broadcasts = ids.size();
            for (BlockId id : ids) {
                scala.Option<BlockStatus> status = env.blockManager().getStatus(id);
                if (status.isDefined()) {
                    broadcastBytes += status.get().memSize();
                }
            }
            rdds = env.blockManager().getMatchingBlockIds(id -> id.isRDD()).size();
        }
        if (Boolean.getBoolean(WORKSPACES_PROPERTY)) {
            LoggerFactory.getLogger(ExecutorSnapshot.class).info("ND4J workspaces by thread (bytes): {}",
                    LiveWorkspaces.byThread());
        }
        return new ExecutorSnapshot(env == null ? "?" : env.executorId(), afterGc, committed, residentBytes(),
                nd4jHostBytes(), LiveWorkspaces.bytes(),
                Pointer.totalBytes(), storage, broadcasts, broadcastBytes, rdds, EncodingStats.drain(), WorkTimes.drain());
    }

    /**
     * As {@link #take()}, after a full garbage collection and a moment for JavaCPP's deallocator thread, which frees
     * the native buffers of the arrays collected (diagnosis: what was garbage waiting for a collection).
     */
    public static ExecutorSnapshot takeAfterCollection() {
        System.gc();
        try {
            Thread.sleep(500);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return take();
    }

    /**
     * libnd4j's count of the host bytes its data buffers hold, or -1 when the backend in use has no such counter
     * (read by reflection so that this module does not depend on the CPU backend's bindings).
     */
    public static long nd4jHostBytes() {
        try {
            // initialise ND4J first: the native library must be loaded before its Environment is asked
            org.nd4j.linalg.factory.Nd4j.getBackend();
            Class<?> env = Class.forName("org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment");
            Object instance = env.getMethod("getInstance").invoke(null);
            return (long) env.getMethod("getGroupCounter", int.class).invoke(instance, HOST_GROUP);
        } catch (ReflectiveOperationException | LinkageError e) {
            return -1;
        }
    }

    /** VmRSS from /proc/self/status (Linux); JavaCPP's physical-bytes reading elsewhere. */
    public static long residentBytes() {
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
