package io.convoy.zoo.fast;

import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The runtime side of {@link FastBatchNorm}: DL4J's BatchNormalization layer with its forward and
 * backward passes replaced by {@link BatchNormKernels}. Inputs are NCHW (rank 4) or [N, C] (rank 2,
 * treated as N x C x 1 x 1). The running statistics are updated exactly as DL4J's layer does it: the
 * backward pass writes (running - batch) * (1 - decay) (or the log10-std equivalent) as the
 * "gradient" of the running mean and variance, which the no-op updater subtracts; that is what lets
 * averaging, gradient sharing and precise BatchNorm treat both layers alike. With
 * {@link FastBatchNorm#isLocalStatistics} (Convoy's gradient sharing) they are updated in place instead and their
 * gradient is zero: each worker keeps its own running averages, which the driver averages after the epoch.
 */
public class FastBatchNormLayer extends BatchNormalization {
    private static final double ONE_ON_2LOGE_10 = 1.0 / (2 * Math.log(10.0));

    /** Statistics of the last training forward pass, which backward uses. */
    private double[] batchMean;
    private double[] batchVar;
    private double[] invStd;
    private double[] scale;
    private double[] shift;

    public FastBatchNormLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    private FastBatchNorm fastConf() {
        return (FastBatchNorm) conf.getLayer();
    }

    private static long[] nchw(INDArray x) {
        if (x.rank() == 4) {
            return x.shape();
        }
        if (x.rank() == 2) {
            return new long[] {x.size(0), x.size(1), 1, 1};
        }
        throw new IllegalStateException("FastBatchNorm expects rank 2 or 4 input, got shape " + java.util.Arrays.toString(x.shape()));
    }

    @Override
    public INDArray preOutput(INDArray x, TrainingMode training, LayerWorkspaceMgr workspaceMgr) {
        FastBatchNorm lc = fastConf();
        if (x.rank() == 4 && lc.getCnn2DFormat() != CNN2DFormat.NCHW) {
            throw new IllegalStateException("FastBatchNorm " + layerId() + " supports NCHW only, configured " + lc.getCnn2DFormat());
        }
        long[] s = nchw(x);
        if (s[1] != lc.getNOut()) {
            throw new IllegalArgumentException("FastBatchNorm " + layerId() + ": input has " + s[1] + " channels, expected "
                    + lc.getNOut() + " (shape " + java.util.Arrays.toString(x.shape()) + ")");
        }
        int n = Math.toIntExact(s[0]);
        int c = Math.toIntExact(s[1]);
        int hw = Math.toIntExact(s[2] * s[3]);
        INDArray in = ChannelData.contiguous(x.castTo(dataType));
        double[] gamma = toDoubles(getParam(BatchNormalizationParamInitializer.GAMMA));
        double[] beta = toDoubles(getParam(BatchNormalizationParamInitializer.BETA));
        double[] mean;
        double[] var;
        if (training == TrainingMode.TRAIN) {
            mean = new double[c];
            var = new double[c];
            BatchNormKernels.statistics(ChannelData.of(in), n, c, hw, mean, var);
        } else {
            mean = toDoubles(getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
            var = runningVariance();
        }
        double eps = lc.getEps();
        double[] is = new double[c];
        double[] a = new double[c];
        double[] b = new double[c];
        for (int ch = 0; ch < c; ch++) {
            is[ch] = 1.0 / Math.sqrt(var[ch] + eps);
            a[ch] = gamma[ch] * is[ch];
            b[ch] = beta[ch] - mean[ch] * a[ch];
        }
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, x.shape(), 'c');
        BatchNormKernels.affine(ChannelData.of(in), ChannelData.of(out), n, c, hw, a, b, lc.isRelu());
        if (training == TrainingMode.TRAIN) {
            batchMean = mean;
            batchVar = var;
            invStd = is;
            scale = a;
            shift = b;
        }
        return out;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        if (batchMean == null) {
            throw new IllegalStateException("FastBatchNorm " + layerId() + ": backward without a training forward pass");
        }
        FastBatchNorm lc = fastConf();
        long[] s = nchw(input);
        int n = Math.toIntExact(s[0]);
        int c = Math.toIntExact(s[1]);
        int hw = Math.toIntExact(s[2] * s[3]);
        INDArray in = ChannelData.contiguous(input.castTo(dataType));
        INDArray dy = ChannelData.contiguous(epsilon.castTo(dataType));
        INDArray dx = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, input.shape(), 'c');
        double[] dGamma = new double[c];
        double[] dBeta = new double[c];
        BatchNormKernels.backward(ChannelData.of(in), ChannelData.of(dy), ChannelData.of(dx), n, c, hw, batchMean,
                invStd, scale, shift, lc.isRelu(), dGamma, dBeta);

        Gradient g = new DefaultGradient();
        INDArray dGammaView = gradientViews.get(BatchNormalizationParamInitializer.GAMMA);
        INDArray dBetaView = gradientViews.get(BatchNormalizationParamInitializer.BETA);
        assign(dGammaView, dGamma);
        assign(dBetaView, dBeta);
        g.setGradientFor(BatchNormalizationParamInitializer.GAMMA, dGammaView);
        g.setGradientFor(BatchNormalizationParamInitializer.BETA, dBetaView);

        // Running statistics, DL4J's distributed-safe form: running[t+1] = running[t] - delta.
        double decay = lc.getDecay();
        double[] runMean = toDoubles(getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN));
        double[] dMean = new double[c];
        for (int ch = 0; ch < c; ch++) {
            dMean[ch] = (runMean[ch] - batchMean[ch]) * (1 - decay);
        }
        runningStatistic(g, BatchNormalizationParamInitializer.GLOBAL_MEAN, dMean, lc.isLocalStatistics());
        double[] runVar = runningVariance();
        double[] dVar = new double[c];
        if (lc.isUseLogStd()) {
            for (int ch = 0; ch < c; ch++) {
                double next = runVar[ch] * decay + batchVar[ch] * (1 - decay);
                dVar[ch] = Math.log(runVar[ch] / next) * ONE_ON_2LOGE_10;
            }
            runningStatistic(g, BatchNormalizationParamInitializer.GLOBAL_LOG_STD, dVar, lc.isLocalStatistics());
        } else {
            for (int ch = 0; ch < c; ch++) {
                dVar[ch] = (runVar[ch] - batchVar[ch]) * (1 - decay);
            }
            runningStatistic(g, BatchNormalizationParamInitializer.GLOBAL_VAR, dVar, lc.isLocalStatistics());
        }
        return new Pair<>(g, dx);
    }

    /**
     * Moves one running statistic by {@code -delta}: as DL4J's layer does, by reporting {@code delta} as its gradient
     * (the no-op updater subtracts it, and gradient sharing sends it to every worker, threshold-encoded), or, with
     * {@link FastBatchNorm#isLocalStatistics}, in place with a zero gradient, so the statistic stays this worker's
     * own (exact) running average and nothing of it is sent.
     */
    private void runningStatistic(Gradient g, String param, double[] delta, boolean local) {
        INDArray view = gradientViews.get(param);
        if (local) {
            double[] current = toDoubles(getParam(param));
            double[] next = new double[current.length];
            for (int ch = 0; ch < next.length; ch++) {
                next[ch] = current[ch] - delta[ch];
            }
            assign(getParam(param), next);
            view.assign(0);
        } else {
            assign(view, delta);
        }
        g.setGradientFor(param, view);
    }

    /**
     * The per-channel mean and (biased) variance of the input of the last training-mode forward pass, as
     * {@code {mean, variance}}; {@code null} before one. Precise BatchNorm reads them instead of recomputing them.
     */
    public double[][] lastBatchStatistics() {
        return batchMean == null ? null : new double[][] {batchMean.clone(), batchVar.clone()};
    }

    /** The running variance, from the log10 std when the layer stores that. */
    private double[] runningVariance() {
        if (fastConf().isUseLogStd()) {
            double[] log10Std = toDoubles(getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD));
            double[] v = new double[log10Std.length];
            for (int i = 0; i < v.length; i++) {
                double std = Math.pow(10.0, log10Std[i]);
                v[i] = std * std;
            }
            return v;
        }
        return toDoubles(getParam(BatchNormalizationParamInitializer.GLOBAL_VAR));
    }

    private static double[] toDoubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).reshape(a.length()).toDoubleVector();
    }

    private static void assign(INDArray view, double[] values) {
        view.assign(Nd4j.createFromArray(values).castTo(view.dataType()).reshape(view.shape()));
    }
}
