package io.convoy.driver.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which configuration values are secrets, and their redaction wherever a configuration is written or shown
 * (the driver log, {@code config.conf}, checkpoint sidecars, reports, error messages). The rule is Spark's own:
 * a {@code spark.conf} entry is secret when {@value #REGEX_KEY} matches its key or its value, any other key when
 * the pattern matches the key; the value is then replaced by {@value #MARKER}, the text Spark shows. A user's own
 * {@value #REGEX_KEY} (in {@code spark.conf}, or a system property as spark-submit passes it) replaces the default.
 */
public final class Redaction {
    public static final String REGEX_KEY = "spark.redaction.regex";
    /** Spark 3.5's default of {@value #REGEX_KEY}. */
    public static final String DEFAULT_REGEX = "(?i)secret|password|token|access[.]?key";
    /** What Spark shows instead of a redacted value. */
    public static final String MARKER = "*********(redacted)";
    public static final Redaction DEFAULT = new Redaction(Pattern.compile(DEFAULT_REGEX));

    private static final String SPARK_CONF = "spark.conf.";
    /** Secret values seen by this JVM, scrubbed from error messages ({@link #scrub}). */
    private static final Set<String> KNOWN_SECRETS = ConcurrentHashMap.newKeySet();

    private final Pattern pattern;

    private Redaction(Pattern pattern) {
        this.pattern = pattern;
    }

    /** The redaction a resolved run configuration asks for. */
    public static Redaction of(Config resolved) {
        String key = SPARK_CONF + "\"" + REGEX_KEY + "\"";
        String regex = resolved.hasPath(key) ? resolved.getString(key) : System.getProperty(REGEX_KEY, DEFAULT_REGEX);
        try {
            return new Redaction(Pattern.compile(regex));
        } catch (PatternSyntaxException e) {
            throw ConfigValidationException.badValue(key, regex, "a Java regular expression (" + e.getDescription() + ")");
        }
    }

    public Pattern pattern() {
        return pattern;
    }

    /** Whether the value at {@code path} (a path as {@link Config#entrySet()} gives it) is a secret. */
    public boolean isSecret(String path, ConfigValue value) {
        String key = path.replace("\"", "");
        if (pattern.matcher(key).find()) {
            return true;
        }
        // Spark also redacts by value (e.g. -Dpassword=... in extraJavaOptions); the pattern itself matches itself
        return key.startsWith(SPARK_CONF) && !key.equals(SPARK_CONF + REGEX_KEY)
                && value.valueType() != ConfigValueType.OBJECT
                && pattern.matcher(String.valueOf(value.unwrapped())).find();
    }

    /** Whether a Spark or Hadoop property, named as Spark names it, is a secret. */
    public boolean isSecretProperty(String key, String value) {
        return pattern.matcher(key).find() || (!key.equals(REGEX_KEY) && value != null && pattern.matcher(value).find());
    }

    /** {@code config} with every secret value replaced by {@value #MARKER}. */
    public Config redact(Config config) {
        Config out = config;
        for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
            if (isSecret(e.getKey(), e.getValue())) {
                out = out.withValue(e.getKey(), ConfigValueFactory.fromAnyRef(MARKER, "redacted"));
            }
        }
        return out;
    }

    /** The configuration as HOCON text with secrets redacted: what config.conf, sidecars, logs and reports show. */
    public String render(Config config) {
        return redact(config).root().render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false));
    }

    /** The paths whose value is the redaction marker (a saved configuration whose secrets must be given again). */
    public static List<String> redactedPaths(Config config) {
        List<String> out = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
            if (e.getValue().valueType() == ConfigValueType.STRING && MARKER.equals(e.getValue().unwrapped())) {
                out.add(e.getKey());
            }
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /** Remembers this configuration's secret values, so that {@link #scrub} removes them from messages. */
    public void remember(Config config) {
        for (Map.Entry<String, ConfigValue> e : config.entrySet()) {
            if (isSecret(e.getKey(), e.getValue())) {
                String v = String.valueOf(e.getValue().unwrapped());
                // a one-letter "secret" would turn every message into asterisks; such a value protects nothing anyway
                if (v.length() >= 4 && !v.equals(MARKER)) {
                    KNOWN_SECRETS.add(v);
                }
            }
        }
    }

    /** {@code text} with every secret value this JVM has seen in a configuration replaced by {@value #MARKER}. */
    public static String scrub(String text) {
        if (text == null || KNOWN_SECRETS.isEmpty()) {
            return text;
        }
        String out = text;
        // longest first, so that a secret containing another is replaced whole
        for (String s : KNOWN_SECRETS.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList()) {
            out = out.replace(s, MARKER);
        }
        return out;
    }
}
