package io.convoy.driver.sweep;

import com.typesafe.config.Config;
import io.convoy.driver.config.ConfigEntry;
import io.convoy.driver.config.ConfigKeys;
import io.convoy.zoo.ModelRequest;
import java.util.ArrayList;
import java.util.List;

/**
 * Reduced-budget switches applied to every trial after its own overrides, so that the sweep meant for a cluster can be
 * smoke-run on one machine. A null field leaves the trial's value alone.
 *
 * @param epochs     train.epochs
 * @param trainLimit data.train-limit (the first N training records)
 * @param testLimit  data.test-limit
 * @param width      model.width (the model zoo's width multiplier)
 */
public record Budget(Integer epochs, Integer trainLimit, Integer testLimit, Double width) {
    public static final Budget NONE = new Budget(null, null, null, null);

    private static final String EPOCHS = "epochs";
    private static final String TRAIN_LIMIT = "train-limit";
    private static final String TEST_LIMIT = "test-limit";
    private static final String WIDTH = "width";
    /** The switches' names in a sweep file's {@code budget { }} block. */
    public static final List<String> KEYS = List.of(EPOCHS, TRAIN_LIMIT, TEST_LIMIT, WIDTH);

    public Budget {
        check(EPOCHS, ConfigKeys.TRAIN_EPOCHS, epochs);
        check(TRAIN_LIMIT, ConfigKeys.DATA_TRAIN_LIMIT, trainLimit);
        check(TEST_LIMIT, ConfigKeys.DATA_TEST_LIMIT, testLimit);
        if (width != null && !ModelRequest.validWidthMultiplier(width)) {
            throw new SweepFileException("budget width = " + width + ": expected a finite number > 0 (1 = published widths)");
        }
    }

    /** The switches a sweep file's {@code budget { }} block sets (its keys among {@link #KEYS}). */
    static Budget of(Config block) {
        return new Budget(block.hasPath(EPOCHS) ? block.getInt(EPOCHS) : null,
                block.hasPath(TRAIN_LIMIT) ? block.getInt(TRAIN_LIMIT) : null,
                block.hasPath(TEST_LIMIT) ? block.getInt(TEST_LIMIT) : null,
                block.hasPath(WIDTH) ? block.getDouble(WIDTH) : null);
    }

    /** The run key's own rule ({@link ConfigKeys}) for the switch that sets it. */
    private static <T> void check(String key, ConfigEntry<T> entry, T value) {
        if (value != null) {
            entry.refusal(value).ifPresent(expected -> {
                throw new SweepFileException("budget " + key + " = " + value + ": expected " + expected);
            });
        }
    }

    /** This budget with every switch {@code other} sets taking precedence (command-line flags over the file). */
    public Budget overriddenBy(Budget other) {
        return new Budget(other.epochs != null ? other.epochs : epochs,
                other.trainLimit != null ? other.trainLimit : trainLimit,
                other.testLimit != null ? other.testLimit : testLimit,
                other.width != null ? other.width : width);
    }

    /** The run-config overrides this budget stands for. */
    public List<String> overrides() {
        List<String> out = new ArrayList<>();
        add(out, ConfigKeys.TRAIN_EPOCHS, epochs);
        add(out, ConfigKeys.DATA_TRAIN_LIMIT, trainLimit);
        add(out, ConfigKeys.DATA_TEST_LIMIT, testLimit);
        add(out, ConfigKeys.MODEL_WIDTH, width);
        return out;
    }

    private static <T> void add(List<String> overrides, ConfigEntry<T> entry, T value) {
        if (value != null) {
            overrides.add(entry.path() + "=" + value);
        }
    }
}
