package io.convoy.driver.eval;

import java.io.Serializable;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Exact counts over evaluated records: how many, how many with the true class ranked first and
 * within the top five, the summed negative log-likelihood, per-class totals and the confusion matrix
 * (true class x predicted class). Counts from partitions add up, so the totals cover each record once
 * whatever the partitioning.
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
    /** row-major numClasses x numClasses: [true * numClasses + predicted] */
    private final long[] confusion;

    public EvalCounts(int numClasses) {
        this.numClasses = numClasses;
        this.classTotal = new long[numClasses];
        this.classCorrect = new long[numClasses];
        this.confusion = new long[numClasses * numClasses];
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
        if (label < 0 || label >= numClasses) {
            throw new IllegalArgumentException("label " + label + " outside 0.." + (numClasses - 1));
        }
        float target = probs[offset + label];
        int better = 0;
        int rival = -1;
        for (int c = 0; c < numClasses; c++) {
            float v = probs[offset + c];
            // ties count against the prediction: a constant output is not "correct"
            if (c != label && v >= target) {
                better++;
            }
            if (c != label && (rival < 0 || v > probs[offset + rival])) {
                rival = c;
            }
        }
        // the predicted class: the label when ranked first, else the strongest other class (which then ties or beats it)
        confusion[label * numClasses + (better == 0 ? label : rival)]++;
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
        for (int i = 0; i < confusion.length; i++) {
            m.confusion[i] = confusion[i] + o.confusion[i];
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

    public int numClasses() {
        return numClasses;
    }

    public long[] perClassRecords() {
        return classTotal.clone();
    }

    /** Rows are true classes, columns predicted classes; the diagonal is the per-class top-1 correct count. */
    public long[][] confusionMatrix() {
        long[][] m = new long[numClasses][];
        for (int t = 0; t < numClasses; t++) {
            m[t] = java.util.Arrays.copyOfRange(confusion, t * numClasses, (t + 1) * numClasses);
        }
        return m;
    }
}
