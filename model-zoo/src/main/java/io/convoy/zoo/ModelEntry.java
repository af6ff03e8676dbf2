package io.convoy.zoo;

import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * One registered model.
 *
 * @param paperParams trainable parameter count the paper reports for its reference input
 *                    (CIFAR 3x32x32, 10 classes), or 0 where the paper gives none
 */
public record ModelEntry(String name, String description, long paperParams,
                         Function<ModelRequest, ComputationGraphConfiguration> builder) {

    public ComputationGraphConfiguration build(ModelRequest request) {
        return builder.apply(request);
    }
}
