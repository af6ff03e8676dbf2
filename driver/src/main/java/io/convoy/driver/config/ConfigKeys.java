package io.convoy.driver.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import io.convoy.driver.config.RunConfig.DataFormat;
import io.convoy.driver.config.RunConfig.ScheduleType;
import io.convoy.driver.config.RunConfig.Switch;
import io.convoy.driver.config.RunConfig.Sync;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import io.convoy.zoo.UnknownModelException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every key of a run's configuration, declared once: type, default and the values it accepts. What each key means is
 * the comment above it in {@code convoy/reference.conf} ({@link #doc}), which holds the same defaults (ConfigKeysTest).
 * {@link ConfigLoader} builds {@link RunConfig} from these entries; sweep budgets check their switches with them.
 */
public final class ConfigKeys {
    private ConfigKeys() {
    }

    public static final ConfigEntry<String> RUN_DIR = ConfigEntry.string("run.dir", "runs");
    public static final ConfigEntry<String> RUN_NAME = ConfigEntry.string("run.name", "");

    public static final ConfigEntry<String> MODEL_NAME = ConfigEntry.of("model.name", ConfigKeys::modelName, "resnet20");
    public static final ConfigEntry<Double> MODEL_WIDTH = ConfigEntry.positive("model.width", 1.0)
            .check(ModelRequest::validWidthMultiplier, "a finite number > 0 (1 = the published widths)");

    public static final ConfigEntry<DataFormat> DATA_FORMAT =
            ConfigEntry.oneOf("data.format", DataFormat.class, DataFormat.CIFAR10);
    /** Required; checked against data.format when the run configuration is built. */
    public static final ConfigEntry<String> DATA_PATH = ConfigEntry.string("data.path", "");
    public static final ConfigEntry<Integer> DATA_TRAIN_LIMIT = ConfigEntry.atLeast("data.train-limit", 0, 0);
    public static final ConfigEntry<Integer> DATA_TEST_LIMIT = ConfigEntry.atLeast("data.test-limit", 0, 0);
    public static final ConfigEntry<Integer> DATA_MAX_BAD_RECORDS = ConfigEntry.atLeast("data.max-bad-records", 10, 0);
    public static final ConfigEntry<Integer> DATA_IMAGE_SIZE = ConfigEntry.atLeast("data.image-size", 224, 8);
    public static final ConfigEntry<Boolean> DATA_VERIFY_CHECKSUMS = ConfigEntry.bool("data.verify-checksums", true);
    public static final ConfigEntry<Integer> DATA_PAD = ConfigEntry.atLeast("data.augment.pad", 4, 0);
    public static final ConfigEntry<Switch> DATA_FLIP = ConfigEntry.of("data.augment.flip", ConfigKeys::aSwitch, Switch.AUTO);

    public static final ConfigEntry<Integer> TRAIN_EPOCHS = ConfigEntry.atLeast("train.epochs", 3, 1);
    public static final ConfigEntry<Integer> TRAIN_BATCH_SIZE_PER_WORKER =
            ConfigEntry.atLeast("train.batch-size-per-worker", 64, 1);
    public static final ConfigEntry<Integer> TRAIN_WORKERS = ConfigEntry.atLeast("train.workers", 0, 0);
    public static final ConfigEntry<Sync> TRAIN_SYNC = ConfigEntry.oneOf("train.sync", Sync.class, Sync.AVERAGING);
    public static final ConfigEntry<Integer> AVERAGING_FREQUENCY = ConfigEntry.atLeast("train.averaging.frequency", 5, 1);
    public static final ConfigEntry<Integer> AVERAGING_PREFETCH = ConfigEntry.atLeast("train.averaging.prefetch", 2, 0);
    public static final ConfigEntry<String> SHARING_THRESHOLD_ALGORITHM = ConfigEntry.word(
            "train.sharing.threshold-algorithm", "adaptive", "adaptive or fixed", "adaptive", "fixed");
    public static final ConfigEntry<Double> SHARING_THRESHOLD = ConfigEntry.positive("train.sharing.threshold", 1e-3);
    public static final ConfigEntry<Double> SHARING_RESIDUAL_CLIP = ConfigEntry.positive("train.sharing.residual-clip", 5);
    public static final ConfigEntry<Integer> SHARING_RESIDUAL_FREQUENCY =
            ConfigEntry.atLeast("train.sharing.residual-frequency", 5, 1);
    public static final ConfigEntry<Integer> SHARING_WORKERS_PER_NODE = ConfigEntry.integer("train.sharing.workers-per-node", 0);
    public static final ConfigEntry<Integer> SHARING_TRANSPORT_TIMER_SLACK_US =
            ConfigEntry.atLeast("train.sharing.transport-timer-slack-us", 1000, 0);
    public static final ConfigEntry<String> SHARING_CONTROLLER_ADDRESS =
            ConfigEntry.string("train.sharing.controller-address", "");
    public static final ConfigEntry<String> SHARING_NETWORK_MASK = ConfigEntry.string("train.sharing.network-mask", "");
    public static final ConfigEntry<Double> LR = ConfigEntry.positive("train.optimizer.lr", 0.1);
    public static final ConfigEntry<Double> MOMENTUM = ConfigEntry.fraction("train.optimizer.momentum", 0.9);
    public static final ConfigEntry<Double> WEIGHT_DECAY = ConfigEntry.nonNegative("train.optimizer.weight-decay", 1e-4);
    public static final ConfigEntry<String> LR_SCALING =
            ConfigEntry.word("train.optimizer.lr-scaling", "none", "none or linear", "none", "linear");
    public static final ConfigEntry<Integer> REFERENCE_BATCH = ConfigEntry.atLeast("train.optimizer.reference-batch", 256, 1);
    public static final ConfigEntry<ScheduleType> SCHEDULE_TYPE =
            ConfigEntry.oneOf("train.lr-schedule.type", ScheduleType.class, ScheduleType.STEP);
    public static final ConfigEntry<List<Integer>> MILESTONES = ConfigEntry.intList("train.lr-schedule.milestones", List.of())
            .check(ms -> ms.stream().allMatch(m -> m >= 1), "epochs >= 1");
    public static final ConfigEntry<Double> GAMMA = ConfigEntry.positive("train.lr-schedule.gamma", 0.1);
    /** Also fewer than train.epochs, checked when the run configuration is built. */
    public static final ConfigEntry<Integer> WARMUP_EPOCHS = ConfigEntry.atLeast("train.lr-schedule.warmup-epochs", 0, 0);
    public static final ConfigEntry<Switch> PRECISE_BN = ConfigEntry.of("train.precise-bn.enabled", ConfigKeys::aSwitch, Switch.AUTO);
    public static final ConfigEntry<Integer> PRECISE_BN_BATCHES = ConfigEntry.atLeast("train.precise-bn.batches", 100, 1);
    public static final ConfigEntry<Long> SEED = ConfigEntry.longValue("train.seed", 42);
    public static final ConfigEntry<Integer> LOSS_SAMPLE_EVERY = ConfigEntry.atLeast("train.loss-sample-every", 10, 0);

    public static final ConfigEntry<Integer> KEEP_LAST = ConfigEntry.atLeast("checkpoint.keep-last", 0, 0);
    public static final ConfigEntry<Boolean> KEEP_BEST = ConfigEntry.bool("checkpoint.keep-best", true);

    public static final ConfigEntry<Integer> EVAL_BATCH_SIZE = ConfigEntry.atLeast("eval.batch-size", 256, 1);
    public static final ConfigEntry<Boolean> EVAL_EVERY_EPOCH = ConfigEntry.bool("eval.every-epoch", true);

    public static final ConfigEntry<String> SPARK_MASTER = ConfigEntry.string("spark.master", "local[*]");
    public static final ConfigEntry<String> SPARK_APP_NAME = ConfigEntry.string("spark.app-name", "convoy");
    /** Spark settings by their Spark key (HOCON quotes dropped: {@code "spark.ui.enabled"} is spark.ui.enabled). */
    public static final ConfigEntry<Map<String, String>> SPARK_CONF = ConfigEntry.of("spark.conf", ConfigKeys::sparkConf, Map.of());

    private static final List<ConfigEntry<?>> ALL = declared();

    /** Every entry above, in declaration order. */
    public static List<ConfigEntry<?>> all() {
        return ALL;
    }

    /** What {@code entry} means: its comment in {@code convoy/reference.conf}, empty when it has none. */
    public static String doc(ConfigEntry<?> entry) {
        Config reference = ConfigFactory.parseResources(ConfigKeys.class.getClassLoader(), ConfigLoader.REFERENCE);
        if (!reference.hasPathOrNull(entry.path())) {
            return "";
        }
        List<String> lines = reference.getValue(entry.path()).origin().comments();
        return String.join("\n", lines.stream().map(String::strip).toList());
    }

    private static String modelName(Config c, String path) {
        String model = c.getString(path);
        try {
            ModelZoo.validate(model);
        } catch (UnknownModelException e) {
            throw new ConfigValidationException(path + " = " + model + ": " + e.getMessage(), e);
        }
        return model;
    }

    private static Switch aSwitch(Config c, String path) {
        String v = c.getString(path).toLowerCase(java.util.Locale.ROOT);
        return Switch.parse(v).orElseThrow(() -> ConfigValidationException.badValue(path, v, Switch.EXPECTED));
    }

    private static Map<String, String> sparkConf(Config c, String path) {
        Map<String, String> conf = new LinkedHashMap<>();
        if (c.hasPath(path)) {
            for (Map.Entry<String, ConfigValue> e : c.getConfig(path).entrySet()) {
                conf.put(e.getKey().replace("\"", ""), String.valueOf(e.getValue().unwrapped()));
            }
        }
        return conf;
    }

    private static List<ConfigEntry<?>> declared() {
        List<ConfigEntry<?>> out = new ArrayList<>();
        for (Field f : ConfigKeys.class.getDeclaredFields()) {
            if (f.getType() == ConfigEntry.class && Modifier.isStatic(f.getModifiers())) {
                try {
                    out.add((ConfigEntry<?>) f.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return List.copyOf(out);
    }
}
