package io.convoy.driver.eval;

import io.convoy.worker.predict.PredictionInput;
import java.io.Serializable;

/**
 * The {@code k} most probable classes of one input, most probable first.
 *
 * @param input         the image file's path, or {@code source#record-id} for a record of a data set
 * @param label         the true class index when the input carries one (data sets), else -1
 * @param classes       class indices, most probable first
 * @param probabilities their probabilities (averaged over the test-time views)
 */
public record Prediction(String input, int label, int[] classes, float[] probabilities) implements Serializable {

    /** The top {@code k} of {@code numClasses} probabilities starting at {@code offset}; ties keep the lower index first. */
    static Prediction top(PredictionInput in, float[] p, int offset, int numClasses, int k) {
        int[] classes = new int[k];
        float[] probs = new float[k];
        boolean[] taken = new boolean[numClasses];
        for (int j = 0; j < k; j++) {
            int best = -1;
            for (int c = 0; c < numClasses; c++) {
                if (!taken[c] && (best < 0 || p[offset + c] > p[offset + best])) {
                    best = c;
                }
            }
            taken[best] = true;
            classes[j] = best;
            probs[j] = p[offset + best];
        }
        return new Prediction(in.name(), in.record().label(), classes, probs);
    }

    /** Whether the true class is among the first {@code n} (false when the input has no label). */
    public boolean inTop(int n) {
        for (int j = 0; j < Math.min(n, classes.length); j++) {
            if (classes[j] == label) {
                return true;
            }
        }
        return false;
    }
}
