package io.convoy.driver.config;

import com.typesafe.config.Config;
import io.convoy.driver.checkpoint.RetentionPolicy;
import io.convoy.worker.augment.Augmentation;
import java.util.List;
import java.util.Map;

/**
 * The typed, validated configuration of one run; {@link ConfigLoader} builds it, checking every entry of
 * {@link ConfigKeys}. The records below group the settings the run's code reads most; any entry, a new one included,
 * is read by name with {@link #get(ConfigEntry)}, so adding a key is one declaration in {@link ConfigKeys} (and its
 * documented default in {@code reference.conf}, which ConfigKeysTest keeps in step).
 */
public record RunConfig(RunSettings run, ModelSettings model, DataSettings data, TrainSettings train,
                        EvalSettings eval, SparkSettings spark, Config resolved) {

    public record RunSettings(String dir, String name, RetentionPolicy retention) {
    }

    /** @param width the model zoo's width multiplier (1 = the published widths) */
    public record ModelSettings(String name, double width) {
    }

    public enum DataFormat { MNIST, CIFAR10, SHARDS }

    /**
     * A setting that is on, off, or chosen by the run ({@code auto}): the training flip (by the data) and precise
     * BatchNorm (by the sync scheme). Written {@code auto}, {@code true} / {@code on} or {@code false} / {@code off}.
     */
    public enum Switch {
        AUTO, ON, OFF;

        /** What a refused value is told to be instead. */
        public static final String EXPECTED = "auto, true (on) or false (off)";

        /** The switch {@code value} names, whatever its case; empty when it names none. */
        public static java.util.Optional<Switch> parse(String value) {
            return java.util.Optional.ofNullable(switch (value.toLowerCase(java.util.Locale.ROOT)) {
                case "auto" -> AUTO;
                case "true", "on" -> ON;
                case "false", "off" -> OFF;
                default -> null;
            });
        }

        /** This switch with {@code auto} resolved to {@code whenAuto}. */
        public boolean on(boolean whenAuto) {
            return this == ON || (this == AUTO && whenAuto);
        }
    }

    /**
     * @param flip            the training flip; {@code auto} is off for digits (a mirrored 2 is not a 2)
     * @param maxBadRecords   corrupt shard records skipped per pass over a split before the run fails
     * @param imageSize       side of the training/evaluation crop of image-file shards (ImageNet: 224)
     * @param verifyChecksums check every shard's SHA-256 against dataset.json before training
     */
    public record DataSettings(DataFormat format, String path, int trainLimit, int testLimit, int pad, Switch flip,
                               int maxBadRecords, int imageSize, boolean verifyChecksums) {
        /** {@code flip} as written in a configuration ({@code auto}, {@code true}, {@code off} ...). */
        public DataSettings(DataFormat format, String path, int trainLimit, int testLimit, int pad, String flip,
                            int maxBadRecords, int imageSize, boolean verifyChecksums) {
            this(format, path, trainLimit, testLimit, pad, Switch.parse(flip).orElseThrow(() ->
                            ConfigValidationException.badValue(ConfigKeys.DATA_FLIP.path(), flip, Switch.EXPECTED)),
                    maxBadRecords, imageSize, verifyChecksums);
        }

        /** The training augmentation, with flip "auto" resolved by format. */
        public Augmentation augmentation() {
            return augmentation(format == DataFormat.MNIST);
        }

        /** The training augmentation of raw pixels; flip "auto" is off for digits (a mirrored 2 is not a 2). */
        public Augmentation augmentation(boolean digits) {
            return new Augmentation(pad, flip.on(!digits));
        }
    }

    public enum Sync { AVERAGING, SHARING }

    public enum ScheduleType { CONSTANT, STEP, COSINE }

    public record TrainSettings(int epochs, int batchSizePerWorker, int workers, Sync sync,
                                int averagingFrequency, int prefetch, SharingSettings sharing,
                                double lr, double momentum, double weightDecay,
                                ScheduleType schedule, List<Integer> milestones, double gamma, long seed,
                                LrScaling lrScaling, int warmupEpochs, PreciseBnSettings preciseBn, int lossSampleEvery) {
    }

    /**
     * How the configured rate relates to the global batch: as given, or the linear scaling rule of
     * Goyal et al. 2017 (lr = base lr x global batch / reference batch).
     */
    public record LrScaling(boolean linear, int referenceBatch) {
    }

    /** Recomputing BatchNorm statistics after each epoch (see worker's BatchNormStatistics). */
    public record PreciseBnSettings(Switch mode, int batches) {
        /**
         * "auto" recomputes whenever the running statistics are not one network's own: under gradient sharing (each
         * worker's, averaged after the epoch) and under averaging with more than one worker (the workers' statistics
         * averaged with the weights are not the averaged weights' statistics; README, Convergence).
         */
        public boolean enabledFor(Sync sync, int workers) {
            return mode.on(sync == Sync.SHARING || workers > 1);
        }
    }

    /**
     * Gradient sharing (DL4J SharedTrainingMaster, threshold-encoded updates over Aeron).
     *
     * @param transportTimerSlackUs the Linux timer slack DL4J's transport threads start with, in µs (0: the
     *                              system's); its subscription thread otherwise wakes ~15,000 times a second
     */
    public record SharingSettings(boolean adaptive, double threshold, double residualClip, int residualFrequency,
                                  int workersPerNode, String controllerAddress, String networkMask,
                                  int transportTimerSlackUs) {
    }

    public record EvalSettings(int batchSize, boolean everyEpoch) {
    }

    public record SparkSettings(String master, String appName, Map<String, String> conf) {
    }

    /** The value of {@code entry} in this configuration (checked when the configuration was loaded). */
    public <T> T get(ConfigEntry<T> entry) {
        return entry.get(resolved);
    }

    /**
     * The resolved configuration as HOCON text with every secret redacted ({@link Redaction}): what the run directory
     * saves and the log shows. The live settings ({@link #spark()}) keep the real values.
     */
    public String render() {
        return redaction().render(resolved);
    }

    /** The redaction this configuration asks for (its {@code spark.redaction.regex}, or Spark's default). */
    public Redaction redaction() {
        return Redaction.of(resolved);
    }
}
