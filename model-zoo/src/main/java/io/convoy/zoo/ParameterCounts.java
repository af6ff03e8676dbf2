package io.convoy.zoo;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;

/** Parameter counts the way papers count them. */
public final class ParameterCounts {
    private ParameterCounts() {
    }

    /**
     * Trainable parameters: DL4J keeps BatchNorm's running mean and variance in the parameter
     * vector, papers do not count them.
     */
    /**
     * Trainable parameters of a configuration, counted from its layer configurations without
     * allocating the network (a 60M-parameter net costs nothing to count).
     */
    public static long trainable(org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf, InputShape input) {
        return trainable(conf, input, true);
    }

    /** @param withBatchNorm false leaves out BatchNorm's scale and shift too (some papers count only weights) */
    public static long trainable(org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf, InputShape input,
                                 boolean withBatchNorm) {
        conf.getLayerActivationTypes(input.toInputType()); // fills in every layer's nIn for this input
        long total = 0;
        for (var e : conf.getVertices().entrySet()) {
            if (e.getValue() instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv) {
                var layer = lv.getLayerConf().getLayer();
                long all = layer.initializer().numParams(layer);
                if (layer instanceof org.deeplearning4j.nn.conf.layers.BatchNormalization bn) {
                    all = withBatchNorm ? all - 2 * bn.getNOut() : 0; // running mean and variance are not trained
                }
                total += all;
            }
        }
        return total;
    }

    public static long trainable(ComputationGraph net) {
        long total = 0;
        for (Layer layer : net.getLayers()) {
            for (var e : layer.paramTable().entrySet()) {
                String key = e.getKey();
                if (key.equals(BatchNormalizationParamInitializer.GLOBAL_MEAN)
                        || key.equals(BatchNormalizationParamInitializer.GLOBAL_VAR)
                        || key.equals(BatchNormalizationParamInitializer.GLOBAL_LOG_STD)) {
                    continue;
                }
                total += e.getValue().length();
            }
        }
        return total;
    }
}
