package io.convoy.zoo;

import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * What a builder needs beyond the architecture: input, classes, seed and the optimiser
 * (DL4J stores the updater and weight decay inside the graph configuration).
 *
 * @param weightDecay L2 coefficient applied to weights (not biases, not BatchNorm), as in the papers' recipes
 */
public record ModelRequest(InputShape input, int numClasses, long seed, IUpdater updater, double weightDecay) {
    public ModelRequest {
        if (numClasses < 2) {
            throw new IllegalArgumentException("numClasses must be at least 2, got " + numClasses);
        }
        if (weightDecay < 0) {
            throw new IllegalArgumentException("weightDecay must be >= 0, got " + weightDecay);
        }
    }

    /** CIFAR-10 input with the ResNet paper's optimiser (SGD momentum 0.9, lr 0.1, weight decay 1e-4). */
    public static ModelRequest cifar10() {
        return new ModelRequest(new InputShape(3, 32, 32), 10, 42, new Nesterovs(0.1, 0.9), 1e-4);
    }
}
