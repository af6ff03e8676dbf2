package io.convoy.driver.checkpoint;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One line of {@code metrics.jsonl}: what an epoch measured. The JSON names are declared here and nowhere else;
 * a number an epoch did not measure is {@code null} and left out of the line (training loss under gradient
 * sharing, the errors of an epoch that was not evaluated, every field of an older run that did not record it).
 *
 * @param epoch            1-based
 * @param trainLoss        DL4J's score of the last averaging round; parameter averaging only
 * @param diagnostics      the other numbers, by name: time fractions ({@code TrainingTimes}), executor memory and
 *                         sharing's encoding ({@code ExecutorProbe}); names this record does not know from older or
 *                         newer runs are kept here too
 * @param preciseBnSeconds time spent recomputing the BatchNorm statistics, when that ran
 * @param lr               the learning rate of the epoch
 * @param testNll          mean negative log-likelihood on the test split
 * @param lossSamples      the loss every N iterations, when training sampled it
 */
public record EpochMetrics(int epoch, Double trainLoss, Map<String, Double> diagnostics, Double preciseBnSeconds,
                           Double lr, Double epochSeconds, Double imagesPerSecond, Double top1Error, Double top5Error,
                           Double testNll, LossSamples lossSamples) {
    public static final String EPOCH = "epoch";
    public static final String TRAIN_LOSS = "train_loss";
    public static final String PRECISE_BN_SECONDS = "precise_bn_seconds";
    public static final String LR = "lr";
    public static final String EPOCH_SECONDS = "epoch_seconds";
    public static final String IMAGES_PER_SECOND = "images_per_second";
    public static final String TOP1_ERROR = "top1_error";
    public static final String TOP5_ERROR = "top5_error";
    public static final String TEST_NLL = "test_nll";
    /** Diagnostics of the executor probe that the run report charts: largest resident set and heap after GC, in MB. */
    public static final String EXECUTOR_RSS_MB = "executor_rss_mb";
    public static final String EXECUTOR_HEAP_AFTER_GC_MB = "executor_heap_after_gc_mb";
    private static final String ITERATION_START = "iteration_start";
    private static final String ITERATION_END = "iteration_end";
    private static final String LOSS_SAMPLE_EVERY = "loss_sample_every";
    private static final String LOSS_SAMPLES = "loss_samples";
    private static final Set<String> NAMED = Set.of(EPOCH, TRAIN_LOSS, PRECISE_BN_SECONDS, LR, EPOCH_SECONDS,
            IMAGES_PER_SECOND, TOP1_ERROR, TOP5_ERROR, TEST_NLL, ITERATION_START, ITERATION_END, LOSS_SAMPLE_EVERY,
            LOSS_SAMPLES);

    /**
     * The loss sampled during an epoch.
     *
     * @param iterationStart the network's iteration count when the epoch began
     * @param iterationEnd   ... and when it ended
     * @param every          sampled every this many iterations
     * @param samples        [global iteration, mean loss over the workers] pairs
     */
    public record LossSamples(long iterationStart, long iterationEnd, int every, List<List<Double>> samples) {
    }

    public EpochMetrics {
        diagnostics = diagnostics == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(diagnostics));
    }

    /** A diagnostic number by name; NaN when this epoch has none of that name. */
    public double diagnostic(String name) {
        Double v = diagnostics.get(name);
        return v == null ? Double.NaN : v;
    }

    /** The value, or NaN for {@code null} (not measured): for tables and charts. */
    public static double orNaN(Double v) {
        return v == null ? Double.NaN : v;
    }

    /** The numbers a checkpoint's manifest entry and sidecar carry: every measured one, without epoch and loss samples. */
    public Map<String, Double> checkpointMetrics() {
        Map<String, Double> m = new LinkedHashMap<>();
        putIfMeasured(m, TRAIN_LOSS, trainLoss);
        m.putAll(diagnostics);
        putIfMeasured(m, PRECISE_BN_SECONDS, preciseBnSeconds);
        putIfMeasured(m, LR, lr);
        putIfMeasured(m, EPOCH_SECONDS, epochSeconds);
        putIfMeasured(m, IMAGES_PER_SECOND, imagesPerSecond);
        putIfMeasured(m, TOP1_ERROR, top1Error);
        putIfMeasured(m, TOP5_ERROR, top5Error);
        putIfMeasured(m, TEST_NLL, testNll);
        return m;
    }

    /** The line as a JSON object, in the order training has always written it. */
    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(EPOCH, epoch);
        m.putAll(checkpointMetrics());
        if (lossSamples != null) {
            m.put(ITERATION_START, lossSamples.iterationStart());
            m.put(ITERATION_END, lossSamples.iterationEnd());
            m.put(LOSS_SAMPLE_EVERY, lossSamples.every());
            m.put(LOSS_SAMPLES, lossSamples.samples());
        }
        return m;
    }

    /**
     * A line read back. Numbers may be JSON numbers or the strings Jackson writes for NaN and infinities; missing
     * ones are {@code null}; unknown numeric fields go to {@link #diagnostics()}, other unknown fields are ignored.
     *
     * @throws IllegalArgumentException when the line has no numeric epoch
     */
    public static EpochMetrics fromJson(Map<String, Object> m) {
        if (m == null || !(m.get(EPOCH) instanceof Number epoch)) {
            throw new IllegalArgumentException("no numeric \"" + EPOCH + "\" field");
        }
        Map<String, Double> diagnostics = new LinkedHashMap<>();
        m.forEach((k, v) -> {
            Double d = number(v);
            if (!NAMED.contains(k) && d != null) {
                diagnostics.put(k, d);
            }
        });
        return new EpochMetrics(epoch.intValue(), number(m.get(TRAIN_LOSS)), diagnostics, number(m.get(PRECISE_BN_SECONDS)),
                number(m.get(LR)), number(m.get(EPOCH_SECONDS)), number(m.get(IMAGES_PER_SECOND)),
                number(m.get(TOP1_ERROR)), number(m.get(TOP5_ERROR)), number(m.get(TEST_NLL)), lossSamples(m));
    }

    private static LossSamples lossSamples(Map<String, Object> m) {
        Double start = number(m.get(ITERATION_START));
        Double end = number(m.get(ITERATION_END));
        Double every = number(m.get(LOSS_SAMPLE_EVERY));
        if (!(m.get(LOSS_SAMPLES) instanceof List<?> list) || start == null || end == null || every == null) {
            return null;
        }
        List<List<Double>> samples = new ArrayList<>();
        for (Object o : list) {
            if (o instanceof List<?> pair && pair.size() == 2) {
                Double iteration = number(pair.get(0));
                Double loss = number(pair.get(1));
                if (iteration != null && loss != null) {
                    samples.add(List.of(iteration, loss));
                }
            }
        }
        return new LossSamples(start.longValue(), end.longValue(), every.intValue(), samples);
    }

    private static void putIfMeasured(Map<String, Double> m, String key, Double v) {
        if (v != null) {
            m.put(key, v);
        }
    }

    /** A number from a JSON value (Jackson writes NaN as the string "NaN"); null when absent or not a number. */
    private static Double number(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException ignored) {
                return null;
            }
        }
        return null;
    }
}
