package io.convoy.driver.config;

import static io.convoy.driver.config.ConfigKeys.*;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import io.convoy.driver.checkpoint.RetentionPolicy;
import io.convoy.driver.config.RunConfig.DataFormat;
import io.convoy.driver.config.RunConfig.Switch;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Builds a {@link RunConfig}: Convoy's defaults ({@code convoy/reference.conf}), then the run's file,
 * then {@code key=value} overrides. Every value is checked here, before Spark starts; errors name the key.
 */
public final class ConfigLoader {
    public static final String REFERENCE = "convoy/reference.conf";

    private ConfigLoader() {
    }

    /**
     * Re-validates a resolved configuration saved in a run directory, with optional overrides on top, for a run that
     * starts Spark with it (resume, evaluate). The saved text has its secrets redacted ({@link Redaction}): each must
     * be given again in {@code overrides} (a value, {@code ${ENV_VAR}} from the environment, or {@code null} to drop
     * it), else this fails naming the keys, so that the redaction marker never reaches Spark or Hadoop.
     */
    public static RunConfig fromSaved(String hocon, String origin, List<String> overrides) {
        return fromSaved(hocon, origin, overrides, ConfigFactory.empty());
    }

    /**
     * As {@link #fromSaved(String, String, List)}; a secret redacted in the saved text and not in {@code overrides}
     * is taken from {@code secrets} (the same key of a freshly loaded configuration: a sweep resuming its trial).
     */
    public static RunConfig fromSaved(String hocon, String origin, List<String> overrides, Config secrets) {
        Config config = savedWithOverrides(hocon, origin, overrides);
        List<String> missing = new ArrayList<>();
        for (String path : Redaction.redactedPaths(config)) {
            Optional<String> given = sameKey(config, path);
            if (given.isPresent()) {
                // given again as spark.conf.spark.x.y (unquoted) while saved as spark.conf."spark.x.y"
                config = config.withoutPath(path);
            } else if (secrets.hasPath(path) && !Redaction.MARKER.equals(secrets.getValue(path).unwrapped())) {
                config = config.withValue(path, secrets.getValue(path));
            } else {
                missing.add(path);
            }
        }
        if (!missing.isEmpty()) {
            throw new ConfigValidationException(origin + " has these secrets redacted (they are never saved): "
                    + String.join(", ", missing) + ". Give each again: KEY=VALUE, KEY='${ENV_VAR}' (from the "
                    + "environment), or KEY=null to go without it (e.g. when a Hadoop credential provider, "
                    + "spark.hadoop.hadoop.security.credential.provider.path, supplies it)");
        }
        return checked(config);
    }

    /**
     * A saved configuration read to be shown or summarised, never to start Spark with: secrets stay redacted
     * (reports, sweep results).
     */
    public static RunConfig savedForReading(String hocon, String origin) {
        return checked(savedWithOverrides(hocon, origin, List.of()));
    }

    private static Config savedWithOverrides(String hocon, String origin, List<String> overrides) {
        Config saved;
        try {
            saved = ConfigFactory.parseString(hocon, ConfigParseOptions.defaults().setOriginDescription(origin));
        } catch (ConfigException e) {
            throw new ConfigValidationException("cannot parse " + origin + ": " + e.getMessage(), e);
        }
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), REFERENCE);
        try {
            return parseOverrides(overrides).withFallback(saved).withFallback(reference).resolve();
        } catch (ConfigException e) {
            throw new ConfigValidationException("cannot resolve the overrides on " + origin + ": " + e.getMessage(), e);
        }
    }

    /** The value of another path naming the same key as {@code path} once HOCON quotes are dropped. */
    private static Optional<String> sameKey(Config config, String path) {
        String key = path.replace("\"", "");
        return config.entrySet().stream()
                .filter(e -> !e.getKey().equals(path) && e.getKey().replace("\"", "").equals(key))
                .map(e -> String.valueOf(e.getValue().unwrapped()))
                .findFirst();
    }

    private static RunConfig checked(Config config) {
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), REFERENCE);
        checkUnknownKeys(config, reference);
        try {
            return validate(config);
        } catch (ConfigException.WrongType e) {
            throw wrongType(config, e);
        }
    }

    /** The origin of key=value overrides in messages. */
    private static final String COMMAND_LINE = "the command line";

    private static final java.util.regex.Pattern WRONG_TYPE =
            java.util.regex.Pattern.compile("(\\S+) has type (\\w+) rather than (\\w+)");

    /**
     * Typesafe Config's "String: 1: k has type STRING rather than NUMBER" as Convoy's messages put it: the key, the
     * value given, where it came from, and the type expected.
     */
    static ConfigValidationException wrongType(Config config, ConfigException.WrongType e) {
        java.util.regex.Matcher m = WRONG_TYPE.matcher(String.valueOf(e.getMessage()));
        if (!m.find()) {
            return new ConfigValidationException(e.getMessage(), e);
        }
        String key = m.group(1);
        String expected = switch (m.group(3)) {
            case "NUMBER" -> "a number";
            case "BOOLEAN" -> "true or false";
            case "LIST" -> "a list, e.g. [1, 2]";
            case "OBJECT" -> "an object { ... }";
            case "STRING" -> "a string";
            default -> m.group(3).toLowerCase(java.util.Locale.ROOT);
        };
        String value;
        String origin = "";
        try {
            var v = config.getValue(key);
            value = v.render(com.typesafe.config.ConfigRenderOptions.concise());
            if (v.origin() != null && v.origin().description() != null) {
                String d = v.origin().description();
                origin = " (from " + (d.startsWith(COMMAND_LINE) ? COMMAND_LINE : d) + ")";
            }
        } catch (ConfigException unreadable) {
            value = "?";
        }
        if (Redaction.DEFAULT.pattern().matcher(key).find()) {
            value = Redaction.MARKER;
        }
        return new ConfigValidationException(key + " = " + value + origin + ": expected " + expected + ", got a "
                + m.group(2).toLowerCase(java.util.Locale.ROOT), e);
    }

    /** @param file a HOCON file, or null for defaults only */
    public static RunConfig load(File file, List<String> overrides) {
        Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), REFERENCE,
                ConfigParseOptions.defaults().setAllowMissing(false));
        Config config = reference;
        if (file != null) {
            if (!file.isFile()) {
                throw new ConfigValidationException("config file " + file + " does not exist or is not a file");
            }
            try {
                config = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false))
                        .withFallback(config);
            } catch (ConfigException e) {
                throw new ConfigValidationException("cannot parse config file " + file + ": " + e.getMessage(), e);
            }
        }
        config = parseOverrides(overrides).withFallback(config);
        try {
            config = config.resolve();
        } catch (ConfigException e) {
            throw new ConfigValidationException("cannot resolve config: " + e.getMessage(), e);
        }
        checkUnknownKeys(config, reference);
        try {
            return validate(config);
        } catch (ConfigException.WrongType e) {
            throw wrongType(config, e);
        }
    }

    /** Each override is {@code key=value} in HOCON syntax: {@code train.epochs=5}, {@code train.lr-schedule.milestones=[2,3]}. */
    static Config parseOverrides(List<String> overrides) {
        Config out = ConfigFactory.empty();
        for (String o : overrides) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigValidationException("override '" + o + "': expected key=value, e.g. train.epochs=5");
            }
            String key = o.substring(0, eq).trim();
            try {
                out = ConfigFactory.parseString(key + " = " + quoteIfNeeded(o.substring(eq + 1).trim()),
                        ConfigParseOptions.defaults().setOriginDescription(COMMAND_LINE)).withFallback(out);
            } catch (ConfigException e) {
                // the value of a key that looks secret is not repeated (the override may be a mistyped secret)
                String shown = Redaction.DEFAULT.pattern().matcher(key).find() ? key + "=" + Redaction.MARKER : o;
                throw new ConfigValidationException("override '" + shown + "': "
                        + (shown.equals(o) ? e.getMessage() : "not valid HOCON"), e);
            }
        }
        return out;
    }

    /**
     * Paths and URIs contain ':' and '/', which HOCON would read as syntax: quote simple strings that need it. A
     * substitution alone ({@code ${VAR}}, {@code ${?VAR}}) stays one, so that a secret can come from the environment.
     */
    private static String quoteIfNeeded(String value) {
        if (value.isEmpty() || value.startsWith("\"") || value.startsWith("[") || value.startsWith("{")
                || value.matches("\\$\\{\\??[A-Za-z_][A-Za-z0-9_.]*}")) {
            return value.isEmpty() ? "\"\"" : value;
        }
        if (value.matches("[A-Za-z0-9_.+-]+")) {
            return value;
        }
        return "\"" + value.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static void checkUnknownKeys(Config config, Config reference) {
        for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
            String key = e.getKey();
            if (key.startsWith("spark.conf.")) {
                continue;
            }
            if (!reference.hasPathOrNull(key)) {
                throw new ConfigValidationException("unknown config key '" + key + "' (origin: "
                        + e.getValue().origin().description() + "); see " + REFERENCE + " for every key");
            }
        }
    }

    /** The run configuration from the entries of {@link ConfigKeys}, each checked as it is read. */
    private static RunConfig validate(Config c) {
        Redaction.of(c).remember(c);
        for (ConfigEntry<?> entry : ConfigKeys.all()) {
            entry.get(c); // every declared key is checked, also one that no record below holds
        }
        String model = MODEL_NAME.get(c);
        DataFormat format = DATA_FORMAT.get(c);
        String path = DATA_PATH.get(c);
        if (path.isBlank()) {
            String name = format.name().toLowerCase(Locale.ROOT);
            throw new ConfigValidationException(DATA_PATH.path() + " is not set: expected the directory of the " + name
                    + " files, e.g. " + DATA_PATH.path() + "=/data/" + name);
        }
        Switch flip = DATA_FLIP.get(c);
        var data = new RunConfig.DataSettings(format, path, DATA_TRAIN_LIMIT.get(c), DATA_TEST_LIMIT.get(c),
                DATA_PAD.get(c), flip, DATA_MAX_BAD_RECORDS.get(c), DATA_IMAGE_SIZE.get(c), DATA_VERIFY_CHECKSUMS.get(c));

        int epochs = TRAIN_EPOCHS.get(c);
        var train = new RunConfig.TrainSettings(epochs, TRAIN_BATCH_SIZE_PER_WORKER.get(c), TRAIN_WORKERS.get(c),
                TRAIN_SYNC.get(c), AVERAGING_FREQUENCY.get(c), AVERAGING_PREFETCH.get(c), sharing(c),
                LR.get(c), MOMENTUM.get(c), WEIGHT_DECAY.get(c), SCHEDULE_TYPE.get(c), MILESTONES.get(c), GAMMA.get(c),
                SEED.get(c), new RunConfig.LrScaling(LR_SCALING.get(c).equals("linear"), REFERENCE_BATCH.get(c)),
                WARMUP_EPOCHS.get(c), new RunConfig.PreciseBnSettings(PRECISE_BN.get(c), PRECISE_BN_BATCHES.get(c)),
                LOSS_SAMPLE_EVERY.get(c));
        if (train.warmupEpochs() >= epochs && epochs > 1) {
            throw ConfigValidationException.badValue(WARMUP_EPOCHS.path(), train.warmupEpochs(),
                    "fewer than " + TRAIN_EPOCHS.path() + " = " + epochs);
        }
        var eval = new RunConfig.EvalSettings(EVAL_BATCH_SIZE.get(c), EVAL_EVERY_EPOCH.get(c));
        var spark = new RunConfig.SparkSettings(SPARK_MASTER.get(c), SPARK_APP_NAME.get(c), SPARK_CONF.get(c));
        var run = new RunConfig.RunSettings(RUN_DIR.get(c), RUN_NAME.get(c),
                new RetentionPolicy(KEEP_LAST.get(c), KEEP_BEST.get(c)));
        return new RunConfig(run, new RunConfig.ModelSettings(model, MODEL_WIDTH.get(c)), data, train, eval, spark, c);
    }

    /**
     * The {@code spark.conf} entries among {@code overrides}: what reaches a run directory's file system (its
     * {@code spark.hadoop.*} credentials) before the run's saved configuration can be read. Empty when they do not
     * parse; loading the configuration reports that.
     */
    public static Map<String, String> sparkConfOf(List<String> overrides) {
        try {
            return SPARK_CONF.get(parseOverrides(overrides).resolve());
        } catch (ConfigException | ConfigValidationException e) {
            return Map.of();
        }
    }

    private static RunConfig.SharingSettings sharing(Config c) {
        return new RunConfig.SharingSettings(SHARING_THRESHOLD_ALGORITHM.get(c).equals("adaptive"),
                SHARING_THRESHOLD.get(c), SHARING_RESIDUAL_CLIP.get(c), SHARING_RESIDUAL_FREQUENCY.get(c),
                SHARING_WORKERS_PER_NODE.get(c), SHARING_CONTROLLER_ADDRESS.get(c), SHARING_NETWORK_MASK.get(c),
                SHARING_TRANSPORT_TIMER_SLACK_US.get(c));
    }
}
