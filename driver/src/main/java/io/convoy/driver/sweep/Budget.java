package io.convoy.driver.sweep;

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

    public Budget {
        check("epochs", epochs, 1);
        check("train-limit", trainLimit, 0);
        check("test-limit", testLimit, 0);
        if (width != null && !(width > 0 && !width.isInfinite())) {
            throw new SweepFileException("budget width = " + width + ": expected a finite number > 0 (1 = published widths)");
        }
    }

    private static void check(String key, Integer value, int min) {
        if (value != null && value < min) {
            throw new SweepFileException("budget " + key + " = " + value + ": expected an integer >= " + min);
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
        if (epochs != null) {
            out.add("train.epochs=" + epochs);
        }
        if (trainLimit != null) {
            out.add("data.train-limit=" + trainLimit);
        }
        if (testLimit != null) {
            out.add("data.test-limit=" + testLimit);
        }
        if (width != null) {
            out.add("model.width=" + width);
        }
        return out;
    }
}
