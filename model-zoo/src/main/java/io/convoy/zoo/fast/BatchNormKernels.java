package io.convoy.zoo.fast;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;

/**
 * Batch normalisation over NCHW data (N images, C channels, HW positions per channel) in plain loops
 * over the native buffer, one channel at a time: statistics in one pass, the normalised output (with an
 * optional ReLU) in one pass, and the backward pass in two (per-channel sums, then the input gradient),
 * with double accumulators. libnd4j's oneDNN backward builds the same result from about ten NDArray
 * passes, two full-size temporaries and channel broadcasts that are slow on NCHW.
 *
 * <p>Channels are spread over {@link #threads()} threads; each touches only its own channels, so the
 * result does not depend on the thread count.
 */
final class BatchNormKernels {
    private static final int THREADS = threadsFromEnvironment();
    /** Helpers beside the calling thread; daemons, so they never keep a JVM alive. */
    private static final ForkJoinPool POOL = new ForkJoinPool(Math.max(1, Runtime.getRuntime().availableProcessors() - 1),
            pool -> {
                var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                t.setDaemon(true);
                t.setName("convoy-kernel-" + t.getPoolIndex());
                return t;
            }, null, false);

    private BatchNormKernels() {
    }

    /**
     * System property convoy.fast.threads, else OMP_NUM_THREADS when set (on a cluster Convoy sets it to
     * the executors' per-task share of cores), else every core, as ND4J does.
     */
    private static int threadsFromEnvironment() {
        String omp = System.getProperty("convoy.fast.threads", System.getenv("OMP_NUM_THREADS"));
        int cores = Runtime.getRuntime().availableProcessors();
        try {
            return omp == null || omp.isBlank() ? cores : Math.max(1, Math.min(cores, Integer.parseInt(omp.trim())));
        } catch (NumberFormatException e) {
            return cores;
        }
    }

    static int threads() {
        return THREADS;
    }

    /** Per-channel mean and biased variance of x over N and HW. */
    static void statistics(ChannelData x, int n, int c, int hw, double[] mean, double[] var) {
        double count = (double) n * hw;
        forChannels(c, ch -> {
            double s = 0;
            double ss = 0;
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                for (int i = base, end = base + hw; i < end; i++) {
                    double v = x.get(i);
                    s += v;
                    ss += v * v;
                }
            }
            double m = s / count;
            mean[ch] = m;
            var[ch] = Math.max(0.0, ss / count - m * m);
        });
    }

    /** y = x * scale[c] + shift[c], then max(0, y) when relu. x and y may be the same buffer. */
    static void affine(ChannelData x, ChannelData y, int n, int c, int hw, double[] scale, double[] shift, boolean relu) {
        forChannels(c, ch -> {
            double a = scale[ch];
            double b = shift[ch];
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                if (relu) { // two loops, so neither tests the flag per element; max without a branch
                    for (int i = base, end = base + hw; i < end; i++) {
                        y.set(i, Math.max(x.get(i) * a + b, 0.0));
                    }
                } else {
                    for (int i = base, end = base + hw; i < end; i++) {
                        y.set(i, x.get(i) * a + b);
                    }
                }
            }
        });
    }

    /**
     * Backward of y = relu?(gamma * (x - mean) * invStd + beta) with batch statistics. With relu, the
     * ReLU's mask is recomputed from x exactly as the forward pass computed it. Fills dGamma, dBeta and dx.
     */
    static void backward(ChannelData x, ChannelData dy, ChannelData dx, int n, int c, int hw, double[] mean,
                         double[] invStd, double[] scale, double[] shift, boolean relu, double[] dGamma, double[] dBeta) {
        double count = (double) n * hw;
        forChannels(c, ch -> {
            double m = mean[ch];
            double is = invStd[ch];
            double a = scale[ch];
            double b = shift[ch];
            double sumG = 0;
            double sumGx = 0; // sum of g * (x - mean)
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                for (int i = base, end = base + hw; i < end; i++) {
                    double xv = x.get(i);
                    // the ReLU's mask as a select of constants (a conditional move), not a branch: half the elements go each way
                    double g = relu ? dy.get(i) * (xv * a + b > 0 ? 1.0 : 0.0) : dy.get(i);
                    sumG += g;
                    sumGx += g * (xv - m);
                }
            }
            dBeta[ch] = sumG;
            dGamma[ch] = sumGx * is;
            // dx = gamma * invStd * (g - sumG / M - xhat * sum(g * xhat) / M), xhat = (x - mean) * invStd
            double k = a; // gamma * invStd
            double meanG = sumG / count;
            double coef = sumGx * is * is / count;
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                for (int i = base, end = base + hw; i < end; i++) {
                    double xv = x.get(i);
                    double g = relu ? dy.get(i) * (xv * a + b > 0 ? 1.0 : 0.0) : dy.get(i);
                    dx.set(i, k * (g - meanG - (xv - m) * coef));
                }
            }
        });
    }

    /** Runs body for every channel, channels split into contiguous ranges over the threads. */
    static void forChannels(int channels, IntConsumer body) {
        forChannels(channels, THREADS, body);
    }

    static void forChannels(int channels, int maxThreads, IntConsumer body) {
        int threads = Math.min(maxThreads, channels);
        if (threads <= 1) {
            for (int ch = 0; ch < channels; ch++) {
                body.accept(ch);
            }
            return;
        }
        List<ForkJoinTask<?>> tasks = new ArrayList<>(threads - 1);
        for (int t = 1; t < threads; t++) {
            int from = channels * t / threads;
            int to = channels * (t + 1) / threads;
            tasks.add(POOL.submit(() -> {
                for (int ch = from; ch < to; ch++) {
                    body.accept(ch);
                }
            }));
        }
        int to0 = channels / threads;
        for (int ch = 0; ch < to0; ch++) {
            body.accept(ch);
        }
        for (ForkJoinTask<?> t : tasks) {
            t.join();
        }
    }
}
