package io.convoy.driver.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts by epoch, drawn by XChart and encoded as PNG. */
public final class Charts {
    static {
        // no display on a cluster node or in CI
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    private Charts() {
    }

    /**
     * @param series name -> {x values, y values}; series without points are left out
     * @return PNG bytes, or null when no series has a point
     */
    public static byte[] byEpoch(String title, String yTitle, Map<String, double[][]> series) {
        XYChart chart = new XYChartBuilder().width(640).height(340).title(title).xAxisTitle("epoch").yAxisTitle(yTitle).build();
        Styler s = chart.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(Styler.LegendPosition.InsideNE);
        s.setLegendVisible(series.size() > 1);
        chart.getStyler().setXAxisDecimalPattern("0");
        boolean any = false;
        for (Map.Entry<String, double[][]> e : series.entrySet()) {
            double[] x = e.getValue()[0];
            double[] y = e.getValue()[1];
            if (x.length == 0) {
                continue;
            }
            chart.addSeries(e.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
            any = true;
        }
        if (!any) {
            return null;
        }
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot draw chart " + title, e);
        }
    }
}
