package io.convoy.worker.augment;

import io.convoy.worker.data.ImageRecord;
import java.io.Serializable;
import java.util.Arrays;
import java.util.Collection;

/** Per-channel mean and standard deviation on the [0, 1] pixel scale, measured on the training split. */
public record Normalization(double[] mean, double[] std) implements Serializable {
    public Normalization {
        if (mean.length != std.length) {
            throw new IllegalArgumentException("mean has " + mean.length + " channels, std has " + std.length);
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be > 0 in every channel, got " + Arrays.toString(std));
            }
        }
    }

    /** Measures mean and std per channel over all pixels of the records (CHW layout). */
    public static Normalization measure(Collection<ImageRecord> records, int channels) {
        long[] sum = new long[channels];
        long[] sumSq = new long[channels];
        long perChannel = 0;
        for (ImageRecord r : records) {
            byte[] p = r.pixels();
            int plane = p.length / channels;
            for (int c = 0; c < channels; c++) {
                long s = 0;
                long sq = 0;
                for (int i = c * plane, end = i + plane; i < end; i++) {
                    int v = p[i] & 0xff;
                    s += v;
                    sq += (long) v * v;
                }
                sum[c] += s;
                sumSq[c] += sq;
            }
            perChannel += plane;
        }
        return fromSums(sum, sumSq, perChannel);
    }

    /** Mean and std per channel from pixel sums and sums of squares over {@code perChannel} pixels of each channel. */
    public static Normalization fromSums(long[] sum, long[] sumSq, long perChannel) {
        int channels = sum.length;
        double[] mean = new double[channels];
        double[] std = new double[channels];
        for (int c = 0; c < channels; c++) {
            double m = (double) sum[c] / perChannel;
            double var = Math.max((double) sumSq[c] / perChannel - m * m, 0);
            mean[c] = m / 255.0;
            std[c] = Math.max(Math.sqrt(var) / 255.0, 1e-6);
        }
        return new Normalization(mean, std);
    }

    public int channels() {
        return mean.length;
    }
}
