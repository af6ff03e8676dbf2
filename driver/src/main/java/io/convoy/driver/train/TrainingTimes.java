package io.convoy.driver.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;

/**
 * Where an epoch's worker time went, from DL4J's Spark training statistics: fitting minibatches (compute), waiting for
 * the next minibatch (data), and the rest of the task slots' wall time (synchronisation: parameter averaging rounds,
 * model broadcast, scheduling). Fractions are of workers x epoch wall time. Minibatches per executor JVM give the
 * per-executor throughput. DL4J's SharedTrainingMaster records none of the worker-side events, so under gradient
 * sharing this is empty.
 */
record TrainingTimes(double computeFraction, double dataFraction, double syncFraction, Map<String, Double> imagesPerSecondByExecutor) {

    static TrainingTimes of(SparkTrainingStats stats, double wallSeconds, int workers, int batchSize) {
        if (stats == null || wallSeconds <= 0) {
            return null;
        }
        List<EventStats> fit = events(stats, CommonSparkTrainingStats.WORKER_FLAT_MAP_PROCESS_MINI_BATCH_TIMES_MS);
        if (fit.isEmpty()) {
            return null;
        }
        List<EventStats> data = events(stats, CommonSparkTrainingStats.WORKER_FLAT_MAP_DATA_SET_GET_TIMES_MS);
        double slots = workers * wallSeconds;
        double compute = fit.stream().mapToLong(EventStats::getDurationMs).sum() / 1000.0 / slots;
        double waiting = data.stream().mapToLong(EventStats::getDurationMs).sum() / 1000.0 / slots;
        Map<String, Double> perExecutor = new TreeMap<>();
        for (EventStats e : fit) {
            perExecutor.merge(e.getMachineID() + "/" + e.getJvmID(), (double) batchSize / wallSeconds, Double::sum);
        }
        return new TrainingTimes(Math.min(1, compute), Math.min(1, waiting), Math.max(0, 1 - compute - waiting), perExecutor);
    }

    private static List<EventStats> events(SparkTrainingStats stats, String key) {
        // a level may answer for its nested statistics too: take the events from the first level that has the key
        for (SparkTrainingStats s = stats; s != null; s = s.getNestedTrainingStats()) {
            if (s.getKeySet().contains(key) && s.getValue(key) != null) {
                return new ArrayList<>(s.getValue(key));
            }
        }
        return List.of();
    }

    String describe() {
        StringBuilder sb = new StringBuilder(String.format("time: compute %.0f%%, data %.0f%%, sync/other %.0f%%",
                100 * computeFraction, 100 * dataFraction, 100 * syncFraction));
        if (!imagesPerSecondByExecutor.isEmpty()) {
            sb.append("; img/s per executor:");
            imagesPerSecondByExecutor.values().forEach(v -> sb.append(String.format(" %.0f", v)));
        }
        return sb.toString();
    }

    /** The fractions as an epoch's diagnostics ({@code compute_fraction}, {@code data_fraction}, {@code sync_fraction}). */
    Map<String, Double> metrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("compute_fraction", computeFraction);
        m.put("data_fraction", dataFraction);
        m.put("sync_fraction", syncFraction);
        return m;
    }
}
