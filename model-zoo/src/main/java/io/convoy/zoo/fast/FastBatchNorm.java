package io.convoy.zoo.fast;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonInclude;

/**
 * DL4J's {@link BatchNormalization} configuration (same parameters: gamma, beta, running mean and
 * running variance or log10 std; same decay, epsilon and distributed-safe running-statistics update)
 * computed by {@link FastBatchNormLayer}'s fused loops, optionally followed by a ReLU in the same pass
 * ({@code relu}), which saves a separate activation layer, its copy and its backward pass.
 *
 * <p>Because it is a {@code BatchNormalization}, everything that looks for BatchNorm layers (precise
 * BatchNorm, parameter counts, gradient-check exclusions) finds it. It serialises with the model by
 * class name, as DL4J stores every layer configuration.
 */
public class FastBatchNorm extends BatchNormalization {
    private boolean relu;
    /**
     * Whether a training pass updates the running statistics in place and reports a zero "gradient" for them
     * (see {@link FastBatchNormLayer}); written to JSON only when set, so other configurations read as before.
     */
    @JsonInclude(JsonInclude.Include.NON_DEFAULT)
    private boolean localStatistics;

    /** Defaults of DL4J's builder (decay 0.9, epsilon 1e-5, log10-std running statistics), no ReLU. */
    public FastBatchNorm() {
        super();
    }

    public static FastBatchNorm create(boolean relu) {
        FastBatchNorm bn = new FastBatchNorm();
        bn.setRelu(relu);
        return bn;
    }

    public boolean isRelu() {
        return relu;
    }

    public void setRelu(boolean relu) {
        this.relu = relu;
    }

    public boolean isLocalStatistics() {
        return localStatistics;
    }

    public void setLocalStatistics(boolean localStatistics) {
        this.localStatistics = localStatistics;
    }

    /**
     * Sets {@link #isLocalStatistics} on every BatchNorm layer of {@code conf} when every one is a FastBatchNorm, and
     * returns whether they are (DL4J's own layer always sends its statistics as a gradient; a graph with one of them
     * keeps DL4J's way throughout, so no layer's statistics are left out of what reaches the driver).
     */
    public static boolean localStatistics(ComputationGraphConfiguration conf, boolean local) {
        List<FastBatchNorm> fast = new ArrayList<>();
        for (GraphVertex v : conf.getVertices().values()) {
            if (v instanceof LayerVertex lv && lv.getLayerConf().getLayer() instanceof BatchNormalization bn) {
                if (!(bn instanceof FastBatchNorm f)) {
                    return false;
                }
                fast.add(f);
            }
        }
        fast.forEach(f -> f.setLocalStatistics(local));
        return true;
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> trainingListeners,
                             int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
        if (getNOut() <= 0) {
            throw new IllegalStateException("FastBatchNorm " + getLayerName() + ": nOut not set");
        }
        if (isLockGammaBeta()) {
            throw new IllegalStateException("FastBatchNorm " + getLayerName() + ": lockGammaBeta is not supported");
        }
        FastBatchNormLayer ret = new FastBatchNormLayer(conf, networkDataType);
        ret.setListeners(trainingListeners);
        ret.setIndex(layerIndex);
        ret.setParamsViewArray(layerParamsView);
        Map<String, INDArray> paramTable = initializer().init(conf, layerParamsView, initializeParams);
        ret.setParamTable(paramTable);
        ret.setConf(conf);
        return ret;
    }

    @Override
    public FastBatchNorm clone() {
        return (FastBatchNorm) super.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FastBatchNorm other && other.relu == relu && other.localStatistics == localStatistics
                && super.equals(o);
    }

    @Override
    public int hashCode() {
        return (super.hashCode() * 31 + Boolean.hashCode(relu)) * 31 + Boolean.hashCode(localStatistics);
    }

    @Override
    public String toString() {
        return "FastBatchNorm(relu=" + relu + (localStatistics ? ", localStatistics" : "") + ", " + super.toString()
                + ")";
    }
}
