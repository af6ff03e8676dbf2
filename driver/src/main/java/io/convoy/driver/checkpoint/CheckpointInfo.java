package io.convoy.driver.checkpoint;

import java.util.Map;

/**
 * One manifest entry: which epoch, after how many iterations, when, the file's SHA-256 and size, the metrics
 * measured at that point (training loss, learning rate, top-1/top-5 error when evaluated: the numbers of
 * {@link EpochMetrics#checkpointMetrics()}), and the training state a resume continues from ({@code null} only in
 * entries written without one).
 */
public record CheckpointInfo(int epoch, long iteration, String file, String sha256, long bytes, String time,
                             Map<String, Double> metrics, TrainingState state) {

    /** The sidecar beside the zip: {@code checkpoints/epoch-0003.json} for {@code checkpoints/epoch-0003.zip}. */
    public String sidecar() {
        return RunLayout.sidecar(file);
    }

    /** The validation top-1 error measured at this checkpoint; NaN when it was not evaluated. */
    public double top1Error() {
        return metric(EpochMetrics.TOP1_ERROR);
    }

    /** The validation top-5 error measured at this checkpoint; NaN when it was not evaluated. */
    public double top5Error() {
        return metric(EpochMetrics.TOP5_ERROR);
    }

    private double metric(String key) {
        Double v = metrics == null ? null : metrics.get(key);
        return v == null ? Double.NaN : v;
    }
}
