package io.convoy.worker.batch;

import io.convoy.zoo.fast.FastBatchNormLayer;
import java.io.Serializable;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * "Precise BatchNorm" statistics (Wu and Johnson 2021, "Rethinking 'Batch' in BatchNorm", section 3): the
 * per-channel mean and variance of every BatchNorm layer's input, averaged over training minibatches with the
 * weights frozen, replacing the running averages that DL4J accumulates during training.
 *
 * <p>Convoy needs it for gradient sharing: DL4J sends the running-statistics updates of BatchNorm through the
 * same threshold encoding as the gradients, which quantises and clips them, and the resulting inference
 * statistics are far off (measured: top-1 error 55% with the shared running statistics, 14% for the same
 * weights with recomputed statistics). Partial sums from several Spark tasks {@link #merge merge}.
 */
public final class BatchNormStatistics implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Map<String, double[]> meanSums = new LinkedHashMap<>();
    private final Map<String, double[]> varSums = new LinkedHashMap<>();
    private long batches;

    /** Forward passes (training mode, no parameter change) over at most {@code maxBatches} minibatches. */
    public static BatchNormStatistics measure(ComputationGraph net, Iterator<DataSet> data, int maxBatches) {
        Map<String, FastBatchNormLayer> fast = new LinkedHashMap<>();
        for (GraphVertex v : net.getVertices()) {
            if (v.hasLayer() && v.getLayer() instanceof BatchNormalization) {
                if (!(v.getLayer() instanceof FastBatchNormLayer f)) {
                    return measureFromActivations(net, data, maxBatches);
                }
                fast.put(v.getVertexName(), f);
            }
        }
        return measureFast(net, fast, data, maxBatches);
    }

    /**
     * With Convoy's BatchNorm layers: a training-mode forward pass through DL4J's workspaces per minibatch, and each
     * layer's own batch statistics of it (the same numbers {@link #measureFromActivations} computes from the
     * activations, without keeping them or reducing them again).
     */
    static BatchNormStatistics measureFast(ComputationGraph net, Map<String, FastBatchNormLayer> layers,
                                           Iterator<DataSet> data, int maxBatches) {
        BatchNormStatistics stats = new BatchNormStatistics();
        while (stats.batches < maxBatches && data.hasNext()) {
            DataSet ds = data.next();
            if (ds.numExamples() < 2) {
                continue; // a variance needs two examples
            }
            for (INDArray out : net.output(true, ds.getFeatures())) {
                release(out, ds);
            }
            layers.forEach((name, layer) -> {
                double[][] meanVar = layer.lastBatchStatistics();
                add(stats.meanSums, name, meanVar[0]);
                add(stats.varSums, name, meanVar[1]);
            });
            stats.batches++;
        }
        return stats;
    }

    /** Any BatchNorm layer: the activations of a training-mode forward pass, reduced per channel in double. */
    static BatchNormStatistics measureFromActivations(ComputationGraph net, Iterator<DataSet> data, int maxBatches) {
        BatchNormStatistics stats = new BatchNormStatistics();
        String[] inputs = net.getConfiguration().getNetworkInputs().toArray(new String[0]);
        while (stats.batches < maxBatches && data.hasNext()) {
            DataSet ds = data.next();
            if (ds.numExamples() < 2) {
                continue; // a variance needs two examples
            }
            Map<String, INDArray> acts = net.feedForward(ds.getFeatures(), true);
            for (GraphVertex v : net.getVertices()) {
                if (!(v.hasLayer() && v.getLayer() instanceof BatchNormalization bn)) {
                    continue;
                }
                String inputName = net.getConfiguration().getVertexInputs().get(v.getVertexName()).get(0);
                INDArray x = acts.containsKey(inputName) ? acts.get(inputName)
                        : inputs.length == 1 && inputs[0].equals(inputName) ? ds.getFeatures() : null;
                if (x == null) {
                    throw new IllegalStateException("no activation for " + inputName + ", the input of " + v.getVertexName());
                }
                int[] axes = reductionAxes(x, bn);
                INDArray xd = x.castTo(DataType.DOUBLE);
                add(stats.meanSums, v.getVertexName(), xd.mean(axes).toDoubleVector());
                add(stats.varSums, v.getVertexName(), xd.var(false, axes).toDoubleVector());
                release(xd, ds);
            }
            for (INDArray a : acts.values()) {
                release(a, ds);
            }
            stats.batches++;
        }
        return stats;
    }

    /**
     * The running mean and variance every BatchNorm layer of {@code net} holds now, as one "minibatch": merged with
     * other workers' and {@link #applyTo applied}, the workers' running averages are averaged, as parameter averaging
     * averages them.
     */
    public static BatchNormStatistics running(ComputationGraph net) {
        BatchNormStatistics stats = new BatchNormStatistics();
        for (GraphVertex v : net.getVertices()) {
            if (!(v.hasLayer() && v.getLayer() instanceof BatchNormalization bn)) {
                continue;
            }
            add(stats.meanSums, v.getVertexName(),
                    doubles(bn.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN)));
            double[] var;
            if (bn.layerConf().isUseLogStd()) {
                var = doubles(bn.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD));
                for (int i = 0; i < var.length; i++) {
                    var[i] = Math.pow(10.0, 2 * var[i]);
                }
            } else {
                var = doubles(bn.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR));
            }
            add(stats.varSums, v.getVertexName(), var);
        }
        stats.batches = 1;
        return stats;
    }

    private static double[] doubles(INDArray a) {
        return a.castTo(DataType.DOUBLE).reshape(a.length()).toDoubleVector();
    }

    /**
     * Frees an array's native buffer now. Detached activations are otherwise freed only when the garbage collector
     * collects their (tiny) Java objects, which a large, quiet heap may not do for many epochs: measured, an
     * executor's resident memory grew by ~4 GB per epoch (ResNet-20, 20 minibatches of 64) until this was added.
     */
    private static void release(INDArray a, DataSet ds) {
        if (a != null && a != ds.getFeatures() && a.closeable()) {
            a.close();
        }
    }

    private static int[] reductionAxes(INDArray x, BatchNormalization bn) {
        if (x.rank() == 2) {
            return new int[] {0};
        }
        if (x.rank() == 4) {
            CNN2DFormat format = bn.layerConf().getCnn2DFormat();
            return format == CNN2DFormat.NHWC ? new int[] {0, 1, 2} : new int[] {0, 2, 3};
        }
        throw new IllegalArgumentException("BatchNorm input of rank " + x.rank() + " is not supported");
    }

    private static void add(Map<String, double[]> sums, String key, double[] v) {
        double[] s = sums.computeIfAbsent(key, k -> new double[v.length]);
        for (int i = 0; i < v.length; i++) {
            s[i] += v[i];
        }
    }

    /** Sums of two partial measurements (commutative). */
    public BatchNormStatistics merge(BatchNormStatistics other) {
        BatchNormStatistics out = new BatchNormStatistics();
        for (BatchNormStatistics s : List.of(this, other)) {
            s.meanSums.forEach((k, v) -> add(out.meanSums, k, v));
            s.varSums.forEach((k, v) -> add(out.varSums, k, v));
            out.batches += s.batches;
        }
        return out;
    }

    public long batches() {
        return batches;
    }

    /** Writes the averaged statistics into the net's BatchNorm layers; returns the number of layers set. */
    public int applyTo(ComputationGraph net) {
        if (batches == 0) {
            return 0;
        }
        int layers = 0;
        for (Map.Entry<String, double[]> e : meanSums.entrySet()) {
            BatchNormalization bn = (BatchNormalization) net.getLayer(e.getKey());
            double[] mean = e.getValue().clone();
            double[] var = varSums.get(e.getKey()).clone();
            for (int i = 0; i < mean.length; i++) {
                mean[i] /= batches;
                var[i] /= batches;
            }
            INDArray meanParam = bn.getParam(BatchNormalizationParamInitializer.GLOBAL_MEAN);
            meanParam.assign(Nd4j.createFromArray(mean).castTo(meanParam.dataType()).reshape(meanParam.shape()));
            if (bn.layerConf().isUseLogStd()) {
                // DL4J stores log10(sqrt(var)) and adds eps itself at inference
                double[] log10Std = new double[var.length];
                for (int i = 0; i < var.length; i++) {
                    log10Std[i] = 0.5 * Math.log10(Math.max(var[i], 1e-12));
                }
                INDArray p = bn.getParam(BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
                p.assign(Nd4j.createFromArray(log10Std).castTo(p.dataType()).reshape(p.shape()));
            } else {
                INDArray p = bn.getParam(BatchNormalizationParamInitializer.GLOBAL_VAR);
                p.assign(Nd4j.createFromArray(var).castTo(p.dataType()).reshape(p.shape()));
            }
            layers++;
        }
        return layers;
    }
}
