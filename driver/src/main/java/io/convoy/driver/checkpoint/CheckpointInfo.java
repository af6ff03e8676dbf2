package io.convoy.driver.checkpoint;

import java.util.Map;

/**
 * One manifest entry: which epoch, after how many iterations, when, the file's SHA-256, and the metrics
 * measured at that point (training loss, learning rate, top-1/top-5 error when evaluated).
 */
public record CheckpointInfo(int epoch, long iteration, String file, String sha256, long bytes, String time,
                             Map<String, Double> metrics) {
}
