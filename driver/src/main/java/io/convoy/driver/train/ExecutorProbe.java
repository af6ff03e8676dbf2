package io.convoy.driver.train;

import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.worker.monitor.EncodingStats;
import io.convoy.worker.monitor.ExecutorSnapshot;
import io.convoy.worker.monitor.WorkTimes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.stream.IntStream;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each epoch, a small Spark job samples every executor JVM it reaches: heap after GC, resident set, the bytes
 * of ND4J's live arrays, its workspaces and JavaCPP's allocations, Spark's storage memory and the broadcast blocks each
 * holds, and the gradient-sharing messages sent since the last sample. Several tasks per executor make it likely
 * (not certain) that each executor is reached; an executor missed keeps its sharing counts for the next sample. The
 * driver adds what it holds itself: the RDDs still persisted, the storage memory used over all block managers, and
 * its own broadcast blocks. The figures go into the epoch's metrics, so a run shows whether memory stays flat
 * (see {@link ExecutorSnapshot} for where each figure comes from).
 */
final class ExecutorProbe {
    private static final Logger log = LoggerFactory.getLogger(ExecutorProbe.class);
    private static final double MB = 1024.0 * 1024.0;
    private static final int TASKS_PER_EXECUTOR = 4;
    /** Diagnosis only: also sample each executor after a full garbage collection. */
    static final String COLLECT_PROPERTY = "convoy.probe.full-gc";

    private ExecutorProbe() {
    }

    /** Metrics of this sample (empty when the probe job itself failed: training goes on). */
    static Map<String, Double> sample(JavaSparkContext sc, boolean sharing) {
        Map<String, Double> out = new LinkedHashMap<>();
        try {
            // the block managers of the executors, plus the driver's outside local mode
            int executors = Math.max(1, sc.sc().getExecutorMemoryStatus().size() - (sc.sc().isLocal() ? 0 : 1));
            int tasks = TASKS_PER_EXECUTOR * executors;
            List<ExecutorSnapshot> snaps = sc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                    .map(i -> ExecutorSnapshot.take()).collect();
            Map<String, ExecutorSnapshot> latest = new LinkedHashMap<>();
            EncodingStats encoding = new EncodingStats(0, 0, 0, 0);
            WorkTimes work = WorkTimes.NONE;
            for (ExecutorSnapshot s : snaps) {
                latest.put(s.executorId(), s);
                encoding = encoding.plus(s.encoding());
                work = work.plus(s.work());
            }
            List<ExecutorSnapshot> each = new ArrayList<>(latest.values());
            out.put(EpochMetrics.EXECUTOR_RSS_MB, maxMb(each, ExecutorSnapshot::rssBytes));
            out.put(EpochMetrics.EXECUTOR_HEAP_AFTER_GC_MB, maxMb(each, ExecutorSnapshot::heapAfterGcBytes));
            out.put("executor_nd4j_mb", maxMb(each, ExecutorSnapshot::nd4jBytes));
            out.put("executor_workspace_mb", maxMb(each, ExecutorSnapshot::workspaceBytes));
            out.put("executor_javacpp_mb", maxMb(each, ExecutorSnapshot::javacppBytes));
            out.put("executor_storage_mb", maxMb(each, ExecutorSnapshot::storageBytes));
            out.put("executor_broadcast_blocks", (double) each.stream().mapToInt(ExecutorSnapshot::broadcastBlocks)
                    .max().orElse(0));
            out.put("executor_broadcast_mb", maxMb(each, ExecutorSnapshot::broadcastBytes));
            out.put("executors_sampled", (double) each.size());
            out.putAll(workTimes(work));
            out.putAll(driverSide(sc));
            if (Boolean.getBoolean(COLLECT_PROPERTY)) {
                // diagnosis: what a full collection gives back (ND4J frees an array's native buffer only when its
                // Java object is collected, or on close())
                List<ExecutorSnapshot> collected = sc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                        .map(i -> ExecutorSnapshot.takeAfterCollection()).collect();
                out.put("executor_nd4j_after_full_gc_mb", maxMb(collected, ExecutorSnapshot::nd4jBytes));
                out.put("executor_rss_after_full_gc_mb", maxMb(collected, ExecutorSnapshot::rssBytes));
            }
            if (sharing && encoding.messages() > 0) {
                out.put("encoded_fraction", encoding.encodedFraction());
                out.put("update_bytes_per_message", encoding.bytesPerMessage());
                out.put("dense_message_fraction", (double) encoding.denseMessages() / encoding.messages());
            }
        } catch (RuntimeException e) {
            log.warn("executor memory probe failed (training goes on): {}", e.toString());
        }
        return out;
    }

    /**
     * The training iterations' phases, mean milliseconds per iteration over every worker ({@link WorkTimes}), and the
     * CPU seconds of each kind of thread over every sampled JVM since the last sample.
     */
    static Map<String, Double> workTimes(WorkTimes w) {
        Map<String, Double> out = new LinkedHashMap<>();
        if (w.iterations() > 0) {
            out.put("iterations_timed", (double) w.iterations());
            out.put("iteration_data_forward_ms", w.dataForwardNanos() / 1e6 / w.iterations());
            out.put("iteration_backward_ms", w.backwardNanos() / 1e6 / w.iterations());
            out.put("iteration_step_ms", w.stepNanos() / 1e6 / w.iterations());
        }
        w.threadCpuNanos().forEach((kind, nanos) -> out.put("cpu_" + kind + "_seconds", nanos / 1e9));
        if (w.transportSlackNanos() >= 0) {
            out.put("transport_wakeups", (double) w.transportWakeups());
            out.put("transport_timer_slack_us", w.transportSlackNanos() / 1e3);
        }
        return out;
    }

    /** What the driver holds: RDDs still persisted, storage memory used by every block manager, its broadcasts. */
    static Map<String, Double> driverSide(JavaSparkContext sc) {
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("spark_persisted_rdds", (double) sc.getPersistentRDDs().size());
        long used = 0;
        for (scala.Tuple2<Object, Object> maxAndFree : scala.collection.JavaConverters
                .mapAsJavaMap(sc.sc().getExecutorMemoryStatus()).values()) {
            used += (Long) maxAndFree._1() - (Long) maxAndFree._2();
        }
        out.put("spark_storage_mb", used / MB);
        SparkEnv env = SparkEnv.get();
        out.put("driver_broadcast_blocks", env == null ? 0.0
                : (double) env.blockManager().getMatchingBlockIds(id -> id.isBroadcast()).size());
        return out;
    }

    private static double maxMb(List<ExecutorSnapshot> each, ToLongFunction<ExecutorSnapshot> f) {
        return each.stream().mapToLong(f).max().orElse(0) / MB;
    }

    static String describe(Map<String, Double> m) {
        if (!m.containsKey(EpochMetrics.EXECUTOR_RSS_MB)) {
            return "no executor sample";
        }
        String s = String.format("executors sampled %.0f: max RSS %.0f MB, heap after GC %.0f MB, ND4J arrays %.0f MB, "
                        + "workspaces %.0f MB, JavaCPP %.0f MB; Spark: %.0f RDDs persisted, storage %.1f MB, "
                        + "broadcast blocks %.0f on the driver, %.0f on an executor (%.1f MB)",
                m.get("executors_sampled"), m.get(EpochMetrics.EXECUTOR_RSS_MB), m.get(EpochMetrics.EXECUTOR_HEAP_AFTER_GC_MB),
                m.get("executor_nd4j_mb"), m.get("executor_workspace_mb"), m.get("executor_javacpp_mb"),
                m.get("spark_persisted_rdds"), m.get("spark_storage_mb"), m.get("driver_broadcast_blocks"),
                m.get("executor_broadcast_blocks"), m.get("executor_broadcast_mb"));
        if (m.containsKey("executor_nd4j_after_full_gc_mb")) {
            s += String.format("; after a full GC: ND4J arrays %.0f MB, RSS %.0f MB",
                    m.get("executor_nd4j_after_full_gc_mb"), m.get("executor_rss_after_full_gc_mb"));
        }
        if (m.containsKey("iteration_step_ms")) {
            s += String.format("; per iteration (%.0f timed): data+forward %.1f ms, backward %.1f ms, step %.1f ms",
                    m.get("iterations_timed"), m.get("iteration_data_forward_ms"), m.get("iteration_backward_ms"),
                    m.get("iteration_step_ms"));
        }
        StringBuilder cpu = new StringBuilder();
        m.forEach((k, v) -> {
            if (k.startsWith("cpu_") && k.endsWith("_seconds")) {
                cpu.append(cpu.isEmpty() ? "" : ", ").append(k, 4, k.length() - 8).append(String.format(" %.1f s", v));
            }
        });
        if (!cpu.isEmpty()) {
            s += "; CPU since the last sample: " + cpu;
        }
        if (m.containsKey("transport_wakeups")) {
            s += String.format("; DL4J's transport threads woke %,.0f times (timer slack %.0f µs)",
                    m.get("transport_wakeups"), m.get("transport_timer_slack_us"));
        }
        if (m.containsKey("encoded_fraction")) {
            s += String.format("; sharing sent %.3f%% of dense float32 (%.0f bytes per worker iteration, %.0f%% bitmaps)",
                    100 * m.get("encoded_fraction"), m.get("update_bytes_per_message"),
                    100 * m.get("dense_message_fraction"));
        }
        return s;
    }
}
