package io.convoy.driver.train;

import io.convoy.worker.monitor.EncodingStats;
import io.convoy.worker.monitor.ExecutorSnapshot;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each epoch, a small Spark job samples every executor JVM it reaches: heap after GC, resident set, ND4J's
 * native bytes, and the gradient-sharing messages sent since the last sample. Several tasks per executor make it
 * likely (not certain) that each executor is reached; an executor missed keeps its sharing counts for the next
 * sample. The figures go into the epoch's metrics, so a run shows whether executor memory stays flat.
 */
final class ExecutorProbe {
    private static final Logger log = LoggerFactory.getLogger(ExecutorProbe.class);
    private static final double MB = 1024.0 * 1024.0;
    private static final int TASKS_PER_EXECUTOR = 4;

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
            for (ExecutorSnapshot s : snaps) {
                latest.put(s.executorId(), s);
                encoding = encoding.plus(s.encoding());
            }
            List<ExecutorSnapshot> each = new ArrayList<>(latest.values());
            out.put("executor_rss_mb", each.stream().mapToLong(ExecutorSnapshot::rssBytes).max().orElse(0) / MB);
            out.put("executor_heap_after_gc_mb",
                    each.stream().mapToLong(ExecutorSnapshot::heapAfterGcBytes).max().orElse(0) / MB);
            out.put("executor_native_mb", each.stream().mapToLong(ExecutorSnapshot::nativeBytes).max().orElse(0) / MB);
            out.put("executors_sampled", (double) each.size());
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

    static String describe(Map<String, Double> m) {
        if (!m.containsKey("executor_rss_mb")) {
            return "no executor sample";
        }
        String s = String.format("executors sampled %.0f: max RSS %.0f MB, heap after GC %.0f MB, ND4J native %.0f MB",
                m.get("executors_sampled"), m.get("executor_rss_mb"), m.get("executor_heap_after_gc_mb"),
                m.get("executor_native_mb"));
        if (m.containsKey("encoded_fraction")) {
            s += String.format("; sharing sent %.3f%% of dense float32 (%.0f bytes per worker iteration, %.0f%% bitmaps)",
                    100 * m.get("encoded_fraction"), m.get("update_bytes_per_message"),
                    100 * m.get("dense_message_fraction"));
        }
        return s;
    }
}
