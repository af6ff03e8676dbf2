package io.convoy.driver.config;

import com.typesafe.config.Config;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * One configuration key, declared once in {@link ConfigKeys}: its path, how its value is read, its default and the
 * values it accepts (after Spark's {@code ConfigBuilder} entries). The default and the key's comment are also in
 * {@code convoy/reference.conf}, the file users read; a test keeps the two in step.
 *
 * @param <T> the value's type
 */
public final class ConfigEntry<T> {
    /** Reads the raw value; may refuse it (an enum name, a model name) with a {@link ConfigValidationException}. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(Config config, String path);
    }

    /** A rule a value must follow, and the words "expected ..." of the message when it does not. */
    private record Check<T>(Predicate<T> test, String expected) {
    }

    private final String path;
    private final Reader<T> reader;
    private final T defaultValue;
    private final List<Check<T>> checks;

    private ConfigEntry(String path, Reader<T> reader, T defaultValue, List<Check<T>> checks) {
        this.path = path;
        this.reader = reader;
        this.defaultValue = defaultValue;
        this.checks = List.copyOf(checks);
    }

    public static <T> ConfigEntry<T> of(String path, Reader<T> reader, T defaultValue) {
        return new ConfigEntry<>(path, reader, defaultValue, List.of());
    }

    public static ConfigEntry<String> string(String path, String defaultValue) {
        return of(path, Config::getString, defaultValue);
    }

    public static ConfigEntry<Boolean> bool(String path, boolean defaultValue) {
        return of(path, Config::getBoolean, defaultValue);
    }

    public static ConfigEntry<Long> longValue(String path, long defaultValue) {
        return of(path, Config::getLong, defaultValue);
    }

    public static ConfigEntry<Integer> integer(String path, int defaultValue) {
        return of(path, Config::getInt, defaultValue);
    }

    /** An integer {@code >= min}. */
    public static ConfigEntry<Integer> atLeast(String path, int defaultValue, int min) {
        return integer(path, defaultValue).check(v -> v >= min, "an integer >= " + min);
    }

    public static ConfigEntry<Double> number(String path, double defaultValue) {
        return of(path, Config::getDouble, defaultValue);
    }

    public static ConfigEntry<Double> positive(String path, double defaultValue) {
        return number(path, defaultValue).check(v -> v > 0, "a number > 0");
    }

    public static ConfigEntry<Double> nonNegative(String path, double defaultValue) {
        return number(path, defaultValue).check(v -> v >= 0, "a number >= 0");
    }

    /** A number in [0, 1). */
    public static ConfigEntry<Double> fraction(String path, double defaultValue) {
        return number(path, defaultValue).check(v -> v >= 0 && v < 1, "a number in [0, 1)");
    }

    /** One of the enum's constants, written in lower case with {@code -} for {@code _}, whatever the case. */
    public static <E extends Enum<E>> ConfigEntry<E> oneOf(String path, Class<E> type, E defaultValue) {
        return of(path, (c, p) -> {
            String v = c.getString(p);
            try {
                return Enum.valueOf(type, v.toUpperCase(Locale.ROOT).replace('-', '_'));
            } catch (IllegalArgumentException e) {
                String allowed = Arrays.stream(type.getEnumConstants())
                        .map(x -> x.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
                throw ConfigValidationException.badValue(p, v, "one of " + allowed);
            }
        }, defaultValue);
    }

    /** A string among {@code allowed}; {@code expected} says them in the message ("none or linear"). */
    public static ConfigEntry<String> word(String path, String defaultValue, String expected, String... allowed) {
        List<String> words = List.of(allowed);
        return string(path, defaultValue).check(words::contains, expected);
    }

    public static ConfigEntry<List<Integer>> intList(String path, List<Integer> defaultValue) {
        return of(path, Config::getIntList, defaultValue);
    }

    /** This entry with one more rule, checked after the ones before it. */
    public ConfigEntry<T> check(Predicate<T> test, String expected) {
        List<Check<T>> more = new ArrayList<>(checks);
        more.add(new Check<>(test, expected));
        return new ConfigEntry<>(path, reader, defaultValue, more);
    }

    /** The key, e.g. {@code train.epochs}. */
    public String path() {
        return path;
    }

    /** The default, as {@code reference.conf} has it. */
    public T defaultValue() {
        return defaultValue;
    }

    /** The value at {@link #path()}, checked: a refusal names the key, the value and what is expected. */
    public T get(Config config) {
        T value = reader.read(config, path);
        refusal(value).ifPresent(expected -> {
            throw ConfigValidationException.badValue(path, value, expected);
        });
        return value;
    }

    /**
     * The value a run directory's saved configuration holds, or this entry's default where it holds none (a run
     * written before the key existed); checked as {@link #get} checks it.
     */
    public T savedOrDefault(Config saved) {
        return saved.hasPath(path) ? get(saved) : defaultValue;
    }

    /** What is expected instead of {@code value} ("an integer >= 1"), or empty when this entry accepts it. */
    public Optional<String> refusal(T value) {
        return checks.stream().filter(c -> !c.test().test(value)).map(Check::expected).findFirst();
    }

    @Override
    public String toString() {
        return path;
    }
}
