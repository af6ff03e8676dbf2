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
 * with double accumulators (float32 data: float sums within a plane, double across planes; see the float
 * versions below). libnd4j's oneDNN backward builds the same result from about ten NDArray
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
        if (x instanceof ChannelData.Floats xf) {
            statisticsF(xf, n, c, hw, mean, var);
            return;
        }
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
        if (x instanceof ChannelData.Floats xf && y instanceof ChannelData.Floats yf) {
            affineF(xf, yf, n, c, hw, scale, shift, relu);
            return;
        }
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
        if (x instanceof ChannelData.Floats xf && dy instanceof ChannelData.Floats dyf && dx instanceof ChannelData.Floats dxf) {
            backwardF(xf, dyf, dxf, n, c, hw, mean, invStd, scale, shift, relu, dGamma, dBeta);
            return;
        }
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

    // Float32 versions (training): each image's plane of a channel is copied into a float[] (a memory copy),
    // computed there in float, and copied back. Loops over arrays without per-element calls or conversions
    // are what the JIT turns into SIMD; sums are float within a plane (at most H*W terms), double across
    // planes, and shifted by the channel's first value against cancellation in the variance.

    private static void statisticsF(ChannelData.Floats x, int n, int c, int hw, double[] mean, double[] var) {
        double count = (double) n * hw;
        forChannels(c, ch -> {
            float[] buf = new float[hw];
            x.load(ch * hw, buf, 1);
            float k = buf[0];
            double s = 0;
            double ss = 0;
            for (int img = 0; img < n; img++) {
                x.load((img * c + ch) * hw, buf, hw);
                // four independent sums each: one chain of dependent adds would bound the pass by add latency
                float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
                float q0 = 0, q1 = 0, q2 = 0, q3 = 0;
                int i = 0;
                for (; i + 4 <= hw; i += 4) {
                    float d0 = buf[i] - k, d1 = buf[i + 1] - k, d2 = buf[i + 2] - k, d3 = buf[i + 3] - k;
                    s0 += d0;
                    s1 += d1;
                    s2 += d2;
                    s3 += d3;
                    q0 += d0 * d0;
                    q1 += d1 * d1;
                    q2 += d2 * d2;
                    q3 += d3 * d3;
                }
                for (; i < hw; i++) {
                    float d = buf[i] - k;
                    s0 += d;
                    q0 += d * d;
                }
                s += (s0 + s1) + (s2 + s3);
                ss += (q0 + q1) + (q2 + q3);
            }
            double md = s / count;
            mean[ch] = k + md;
            var[ch] = Math.max(0.0, ss / count - md * md);
        });
    }

    private static void affineF(ChannelData.Floats x, ChannelData.Floats y, int n, int c, int hw, double[] scale,
                                double[] shift, boolean relu) {
        forChannels(c, ch -> {
            float a = (float) scale[ch];
            float b = (float) shift[ch];
            float[] buf = new float[hw];
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                x.load(base, buf, hw);
                if (relu) {
                    for (int i = 0; i < hw; i++) {
                        buf[i] = Math.max(buf[i] * a + b, 0f);
                    }
                } else {
                    for (int i = 0; i < hw; i++) {
                        buf[i] = buf[i] * a + b;
                    }
                }
                y.store(base, buf, hw);
            }
        });
    }

    private static void backwardF(ChannelData.Floats x, ChannelData.Floats dy, ChannelData.Floats dx, int n, int c, int hw,
                                  double[] mean, double[] invStd, double[] scale, double[] shift, boolean relu,
                                  double[] dGamma, double[] dBeta) {
        double count = (double) n * hw;
        forChannels(c, ch -> {
            float m = (float) mean[ch];
            float a = (float) scale[ch];
            float b = (float) shift[ch];
            float[] xs = new float[hw];
            float[] gs = new float[hw];
            double sumG = 0;
            double sumGx = 0; // sum of g * (x - mean)
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                x.load(base, xs, hw);
                dy.load(base, gs, hw);
                if (relu) {
                    mask(xs, gs, a, b, hw);
                }
                float g0 = 0, g1 = 0, g2 = 0, g3 = 0;
                float h0 = 0, h1 = 0, h2 = 0, h3 = 0;
                int i = 0;
                for (; i + 4 <= hw; i += 4) {
                    g0 += gs[i];
                    g1 += gs[i + 1];
                    g2 += gs[i + 2];
                    g3 += gs[i + 3];
                    h0 += gs[i] * (xs[i] - m);
                    h1 += gs[i + 1] * (xs[i + 1] - m);
                    h2 += gs[i + 2] * (xs[i + 2] - m);
                    h3 += gs[i + 3] * (xs[i + 3] - m);
                }
                for (; i < hw; i++) {
                    g0 += gs[i];
                    h0 += gs[i] * (xs[i] - m);
                }
                sumG += (g0 + g1) + (g2 + g3);
                sumGx += (h0 + h1) + (h2 + h3);
            }
            double is = invStd[ch];
            dBeta[ch] = sumG;
            dGamma[ch] = sumGx * is;
            float k = a; // gamma * invStd
            float meanG = (float) (sumG / count);
            float coef = (float) (sumGx * is * is / count);
            for (int img = 0; img < n; img++) {
                int base = (img * c + ch) * hw;
                x.load(base, xs, hw);
                dy.load(base, gs, hw);
                if (relu) {
                    mask(xs, gs, a, b, hw);
                }
                for (int i = 0; i < hw; i++) {
                    gs[i] = k * (gs[i] - meanG - (xs[i] - m) * coef);
                }
                dx.store(base, gs, hw);
            }
        });
    }

    /** g = 0 where the forward ReLU's input x * a + b was not positive (recomputed as the forward pass did). */
    private static void mask(float[] xs, float[] gs, float a, float b, int hw) {
        for (int i = 0; i < hw; i++) {
            gs[i] = gs[i] * positive(xs[i] * a + b);
        }
    }

    /**
     * Exactly 1 when y &gt; 0, else 0 (also for -0), from min, max and multiplications the JIT vectorises:
     * no branch, since half the elements go each way and a mispredicted branch per element made the pass
     * five times slower. The two factors are applied one after the other (0 * 1e38 * 1e38 is 0; any
     * positive float, the smallest subnormal included, overflows past 1).
     */
    static float positive(float y) {
        return Math.min(1f, Math.max(y, 0f) * 1e38f * 1e38f);
    }

    /** The double form of {@link #positive(float)} (1e300 twice overflows from the smallest subnormal too). */
    static double positive(double y) {
        return Math.min(1.0, Math.max(y, 0.0) * 1e300 * 1e300);
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
