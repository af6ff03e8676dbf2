package io.convoy.driver.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.EpochMetrics;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;
import org.junit.jupiter.api.Test;

/** What the report's charts are configured with (tick patterns, axis scale, render style, series data), not pixels. */
class ChartsTest {

    private static String format(String pattern, double v) {
        return new DecimalFormat(pattern, DecimalFormatSymbols.getInstance(Locale.ROOT)).format(v);
    }

    /** The rows as training's metrics.jsonl reader gives them. */
    private static List<EpochMetrics> typed(List<Map<String, Object>> rows) {
        return rows.stream().map(EpochMetrics::fromJson).toList();
    }

    private static Map<String, Object> epoch(int e, double loss, double lr) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("epoch", e);
        row.put("train_loss", loss);
        row.put("lr", lr);
        row.put("images_per_second", 480.0 + e);
        return row;
    }

    @Test
    void tickLabelsHaveTheDigitsTheirSpacingNeeds() {
        // the quickstart's losses: XChart's default printed 0.616612435154067
        XYChart loss = Charts.chart("Training loss", "epoch", "loss", List.of(new Charts.Series("loss",
                new double[] {1, 2}, new double[] {0.616612435154067, 0.352012345678}, Charts.Shape.POINTS)));
        assertEquals("0.00", loss.getStyler().getYAxisDecimalPattern());
        assertEquals("0.62", format(loss.getStyler().getYAxisDecimalPattern(), 0.616612435154067));
        assertFalse(loss.getStyler().isYAxisLogarithmic());
        // whole epochs print as integers, fractions of an epoch with the digit they need
        assertEquals("0.#", loss.getStyler().getXAxisDecimalPattern());
        assertEquals("2", format(loss.getStyler().getXAxisDecimalPattern(), 2.0));
        assertEquals("1.2", format(loss.getStyler().getXAxisDecimalPattern(), 1.2));

        // error in per cent over a wide range, throughput in hundreds: no decimals
        assertEquals("0", Charts.decimalPattern(new double[] {11.72, 90.0}, false, false));
        assertEquals("0", Charts.decimalPattern(new double[] {206.3, 531.7}, false, false));
        // a narrow range needs more digits; a single value gets three significant ones
        assertEquals("0.0000", Charts.decimalPattern(new double[] {0.1012, 0.1031}, false, false));
        assertEquals("0.000", Charts.decimalPattern(new double[] {0.05}, false, false));
        // ten epochs: integer ticks
        assertEquals("0", Charts.decimalPattern(new double[] {1, 10}, false, true));
    }

    @Test
    void aSteppedLearningRateIsDrawnAsStepsOnALogAxis() {
        List<Map<String, Object>> rows = List.of(epoch(1, 2.0, 0.1), epoch(2, 1.5, 0.1), epoch(3, 1.2, 0.01), epoch(4, 1.1, 0.001));
        Charts.Series lr = RunReports.learningRateSeries(typed(rows));
        // the rate of epoch e holds from e - 1 to e; the last step ends at the end of epoch 4
        assertArrayEquals(new double[] {0, 1, 2, 3, 4}, lr.x());
        assertArrayEquals(new double[] {0.1, 0.1, 0.01, 0.001, 0.001}, lr.y());
        XYChart chart = Charts.chart("Learning rate", "epoch", "learning rate", List.of(lr), Charts.Scale.LOG_WHEN_WIDE);
        XYSeries s = chart.getSeriesMap().get("learning rate");
        assertEquals(XYSeries.XYSeriesRenderStyle.Step, s.getXYSeriesRenderStyle(), "a step schedule, not a ramp");
        assertTrue(chart.getStyler().isYAxisLogarithmic(), "0.1 to 0.001 spans two decades");
        assertEquals("0.###", chart.getStyler().getYAxisDecimalPattern());
        assertEquals("0.001", format(chart.getStyler().getYAxisDecimalPattern(), 0.001));
        assertFalse(chart.getStyler().isLegendVisible(), "one series needs no legend");

        // a constant rate stays on a linear axis
        XYChart constant = Charts.chart("Learning rate", "epoch", "learning rate",
                List.of(RunReports.learningRateSeries(typed(List.of(epoch(1, 2.0, 0.05), epoch(2, 1.0, 0.05))))), Charts.Scale.LOG_WHEN_WIDE);
        assertFalse(constant.getStyler().isYAxisLogarithmic());
        // and a rate of 0 (cosine's last epoch) cannot go on a log axis
        assertFalse(Charts.logarithmic(new double[] {0.1, 0.0}));
        // errors from 45% to 3% stay linear: the log axis is the learning rate's
        XYChart errors = Charts.chart("Validation error", "epoch", "error (%)", List.of(new Charts.Series("top-1 error",
                new double[] {1, 2}, new double[] {44.82, 3.25}, Charts.Shape.POINTS)));
        assertFalse(errors.getStyler().isYAxisLogarithmic());
    }

    @Test
    void lossSampledPerIterationIsDrawnAtFractionalEpochs() {
        List<Map<String, Object>> rows = new ArrayList<>(List.of(epoch(1, 1.8, 0.1), epoch(2, 1.2, 0.1)));
        rows.get(0).putAll(Map.of("iteration_start", 0, "iteration_end", 40, "loss_sample_every", 10,
                "loss_samples", List.of(List.of(10, 2.2), List.of(20, 2.0), List.of(30, 1.9), List.of(40, 1.8))));
        rows.get(1).putAll(Map.of("iteration_start", 40, "iteration_end", 80, "loss_sample_every", 10,
                "loss_samples", List.of(List.of(50, 1.6), List.of(60, "NaN"), List.of(80, 1.2))));
        List<Charts.Series> series = RunReports.lossSeries(typed(rows));
        Charts.Series perIteration = series.get(0);
        assertEquals("every 10 iterations", perIteration.name());
        assertArrayEquals(new double[] {0.25, 0.5, 0.75, 1.0, 1.25, 2.0}, perIteration.x(), 1e-12);
        assertArrayEquals(new double[] {2.2, 2.0, 1.9, 1.8, 1.6, 1.2}, perIteration.y(), 1e-12);
        assertArrayEquals(new double[] {1, 2}, series.get(1).x());

        XYChart chart = Charts.chart("Training loss", "epoch", "loss", series);
        assertEquals(SeriesMarkers.NONE, chart.getSeriesMap().get("every 10 iterations").getMarker());
        assertEquals(SeriesMarkers.CIRCLE, chart.getSeriesMap().get("epoch (last averaging round)").getMarker());
        assertTrue(chart.getStyler().isLegendVisible());
        assertEquals(Styler.LegendPosition.OutsideS, chart.getStyler().getLegendPosition(), "below the plot, over no curve");
        assertEquals("0.#", chart.getStyler().getXAxisDecimalPattern(), "ticks every half epoch");

        // rows of a run from before sampling: the epoch points alone
        List<Charts.Series> old = RunReports.lossSeries(typed(List.of(epoch(1, 1.8, 0.1))));
        XYChart oldChart = Charts.chart("Training loss", "epoch", "loss", old);
        assertEquals(List.of("epoch (last averaging round)"), List.copyOf(oldChart.getSeriesMap().keySet()));
        assertNotNull(Charts.png("Training loss", "epoch", "loss", old));
    }

    @Test
    void nothingToDrawGivesNoChart() {
        assertNull(Charts.chart("Executor memory", "epoch", "MB",
                List.of(new Charts.Series("resident set", new double[0], new double[0], Charts.Shape.POINTS))));
        assertNull(Charts.png("Executor memory", "epoch", "MB", List.of()));
    }
}
