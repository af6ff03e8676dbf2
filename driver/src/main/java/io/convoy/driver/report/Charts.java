package io.convoy.driver.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * Line charts drawn by XChart and encoded as PNG. XChart's default tick labels print every digit of a double
 * ({@code 0.616612435154067}); here each axis gets a decimal pattern with as many digits as its tick spacing
 * needs, a rate that spans a decade or more (a stepped learning rate) goes on a logarithmic axis, a piecewise
 * constant series (the learning rate of an epoch) is drawn as steps, and the legend sits below the plot where it
 * covers no curve.
 */
public final class Charts {
    static {
        // no display on a cluster node or in CI
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    /** About how many ticks XChart puts on an axis of our chart size (its default spacing hint is 74 px). */
    private static final int TICKS = 6;

    /** How a series is drawn. */
    public enum Shape {
        /** measured once per epoch: a line through circles */
        POINTS,
        /** sampled densely (loss every N iterations): a plain line */
        LINE,
        /** constant from each x to the next (the value holds until the next point): horizontal steps */
        STEPS
    }

    /** The value axis. */
    public enum Scale {
        LINEAR,
        /** logarithmic when every value is positive and they span a decade or more (a learning rate) */
        LOG_WHEN_WIDE
    }

    /** One curve; a series without points is left out. */
    public record Series(String name, double[] x, double[] y, Shape shape) {
        public Series {
            if (x.length != y.length) {
                throw new IllegalArgumentException("series " + name + ": " + x.length + " x values but " + y.length + " y values");
            }
        }
    }

    private Charts() {
    }

    /**
     * The chart as configured, before drawing: tests read its styler and series.
     *
     * @return null when no series has a point
     */
    public static XYChart chart(String title, String xTitle, String yTitle, List<Series> series) {
        return chart(title, xTitle, yTitle, series, Scale.LINEAR);
    }

    /** As {@link #chart(String, String, String, List)} with the value axis' scale chosen. */
    public static XYChart chart(String title, String xTitle, String yTitle, List<Series> series, Scale scale) {
        List<Series> drawn = series.stream().filter(s -> s.x().length > 0).toList();
        if (drawn.isEmpty()) {
            return null;
        }
        XYChart chart = new XYChartBuilder().width(640).height(340).title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        XYStyler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendVisible(drawn.size() > 1);
        s.setLegendPosition(Styler.LegendPosition.OutsideS);
        s.setLegendLayout(Styler.LegendLayout.Horizontal);
        double[] xs = drawn.stream().flatMapToDouble(d -> Arrays.stream(d.x())).filter(Double::isFinite).toArray();
        double[] ys = drawn.stream().flatMapToDouble(d -> Arrays.stream(d.y())).filter(Double::isFinite).toArray();
        s.setXAxisDecimalPattern(decimalPattern(xs, false, true));
        boolean log = scale == Scale.LOG_WHEN_WIDE && logarithmic(ys);
        s.setYAxisLogarithmic(log);
        s.setYAxisDecimalPattern(decimalPattern(ys, log, log));
        for (Series d : drawn) {
            XYSeries added = chart.addSeries(d.name(), d.x(), d.y());
            switch (d.shape()) {
                case POINTS -> added.setMarker(SeriesMarkers.CIRCLE);
                case LINE -> {
                    added.setMarker(SeriesMarkers.NONE);
                    added.setLineStyle(new BasicStroke(1.2f));
                }
                case STEPS -> {
                    added.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Step);
                    added.setMarker(SeriesMarkers.NONE);
                }
            }
        }
        return chart;
    }

    /** @return PNG bytes, or null when no series has a point */
    public static byte[] png(String title, String xTitle, String yTitle, List<Series> series) {
        return png(title, xTitle, yTitle, series, Scale.LINEAR);
    }

    /** @return PNG bytes, or null when no series has a point */
    public static byte[] png(String title, String xTitle, String yTitle, List<Series> series, Scale scale) {
        XYChart chart = chart(title, xTitle, yTitle, series, scale);
        if (chart == null) {
            return null;
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw chart " + title, e);
        }
    }

    /**
     * Curves measured once per epoch, one per entry.
     *
     * @param series name -> {x values, y values}
     * @return PNG bytes, or null when no series has a point
     */
    public static byte[] byEpoch(String title, String yTitle, Map<String, double[][]> series) {
        List<Series> list = series.entrySet().stream()
                .map(e -> new Series(e.getKey(), e.getValue()[0], e.getValue()[1], Shape.POINTS)).toList();
        return png(title, "epoch", yTitle, list);
    }

    /** Logarithmic when every value is positive and the largest is at least 10 times the smallest. */
    static boolean logarithmic(double[] values) {
        if (values.length == 0) {
            return false;
        }
        double min = Arrays.stream(values).min().getAsDouble();
        double max = Arrays.stream(values).max().getAsDouble();
        return min > 0 && max / min >= 10;
    }

    /**
     * A {@link java.text.DecimalFormat} pattern with the decimals the axis' ticks need: on a linear axis those of
     * the tick spacing (about a sixth of the range, rounded to 1, 2 or 5 times a power of ten), on a logarithmic
     * one those of the smallest power of ten shown (ticks are powers of ten).
     *
     * @param trimZeros optional decimals ({@code #}): integer ticks (whole epochs, powers of ten) print without
     *                  them; else fixed ({@code 0}), so the ticks of a value axis line up
     */
    static String decimalPattern(double[] values, boolean logarithmic, boolean trimZeros) {
        if (values.length == 0) {
            return "0";
        }
        double min = Arrays.stream(values).min().getAsDouble();
        double max = Arrays.stream(values).max().getAsDouble();
        int decimals;
        if (logarithmic) {
            decimals = (int) Math.max(0, -Math.floor(Math.log10(min)));
        } else {
            double span = max - min;
            if (span <= 0) {
                // one value: XChart spreads the axis around it; three significant digits of it
                double magnitude = Math.abs(max) > 0 ? Math.abs(max) : 1;
                span = magnitude / 10;
            }
            decimals = (int) Math.max(0, -Math.floor(Math.log10(niceStep(span / TICKS))));
        }
        return decimals == 0 ? "0" : "0." + (trimZeros ? "#" : "0").repeat(decimals);
    }

    /** 1, 2 or 5 times a power of ten, the nearest at or above {@code raw}. */
    static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        double m = raw / power;
        double nice = m <= 1 ? 1 : m <= 2 ? 2 : m <= 5 ? 5 : 10;
        return nice * power;
    }
}
