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
