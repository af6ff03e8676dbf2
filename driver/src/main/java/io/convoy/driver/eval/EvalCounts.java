package io.convoy.driver.eval;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exact counts over evaluated records: how many, how many with the true class ranked first and
 * within the top five, the summed negative log-likelihood, and per-class totals. Counts from
 * partitions add up, so the totals cover each record once whatever the partitioning.
 */
public final class EvalCounts implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final double MIN_PROB = 1e-12;

    private final int numClasses;
    private long total;
    private long top1;
    private long top5;
    private double nllSum;
    private final long[] classTotal;
    private final long[] classCorrect;

    public EvalCounts(int numClasses) {
        this.numClasses = numClasses;
        this.classTotal = new long[numClasses];
        this.classCorrect = new long[numClasses];
    }

    /** Counts one batch of softmax outputs against one-hot labels. */
    public void add(INDArray probabilities, INDArray oneHotLabels) {
        int n = (int) probabilities.size(0);
        float[] p = probabilities.dup().data().asFloat();
        float[] l = oneHotLabels.dup().data().asFloat();
        for (int i = 0; i < n; i++) {
            int label = -1;
            for (int c = 0; c < numClasses; c++) {
                if (l[i * numClasses + c] > 0.5f) {
                    label = c;
                    break;
                }
            }
            add(label, p, i * numClasses);
        }
    }

    /** Counts one record: the true label and its row of class probabilities starting at {@code offset}. */
    public void add(int label, float[] probs, int offset) {
        float target = probs[offset + label];
        int better = 0;
        for (int c = 0; c < numClasses; c++) {
            float v = probs[offset + c];
            // ties count against the prediction: a constant output is not "correct"
            if (c != label && v >= target) {
                better++;
            }
        }
        total++;
        classTotal[label]++;
        if (better == 0) {
            top1++;
            classCorrect[label]++;
        }
        if (better < 5) {
            top5++;
        }
        nllSum += -Math.log(Math.max(target, MIN_PROB));
    }

    public EvalCounts merge(EvalCounts o) {
        EvalCounts m = new EvalCounts(numClasses);
        m.total = total + o.total;
        m.top1 = top1 + o.top1;
        m.top5 = top5 + o.top5;
        m.nllSum = nllSum + o.nllSum;
        for (int c = 0; c < numClasses; c++) {
            m.classTotal[c] = classTotal[c] + o.classTotal[c];
            m.classCorrect[c] = classCorrect[c] + o.classCorrect[c];
        }
        return m;
    }

    public long total() {
        return total;
    }

    public long top1Correct() {
        return top1;
    }

    public long top5Correct() {
        return top5;
    }

    public double top1Error() {
        return total == 0 ? Double.NaN : 1.0 - (double) top1 / total;
    }

    public double top5Error() {
        return total == 0 ? Double.NaN : 1.0 - (double) top5 / total;
    }

    public double meanNll() {
        return total == 0 ? Double.NaN : nllSum / total;
    }

    public double[] perClassAccuracy() {
        double[] a = new double[numClasses];
        for (int c = 0; c < numClasses; c++) {
            a[c] = classTotal[c] == 0 ? Double.NaN : (double) classCorrect[c] / classTotal[c];
        }
        return a;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("records", total);
        m.put("top1_error", top1Error());
        m.put("top5_error", top5Error());
        m.put("mean_nll", meanNll());
        m.put("per_class_accuracy", perClassAccuracy());
        return m;
    }
}
