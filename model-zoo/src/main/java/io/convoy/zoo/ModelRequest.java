package io.convoy.zoo;

import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * What a builder needs beyond the architecture: input, classes, seed, the optimiser (DL4J stores the
 * updater and weight decay inside the graph configuration) and a width multiplier.
 *
 * @param weightDecay     L2 coefficient applied to weights (not biases, not BatchNorm), as in the papers' recipes
 * @param widthMultiplier scales every channel count a family's table lists: {@code c -> max(1, round(c * w))}
 *                        (see {@link #channels(int)}); 1 builds the published net. Depth, strides and the
 *                        ratios a paper states in terms of other widths (bottleneck expansion 4, DenseNet's
 *                        4k bottleneck and 2k stem, compression 0.5) follow from the scaled counts. Small
 *                        values give cheap versions of every entry for tests and reduced-budget sweeps.
 */
public record ModelRequest(InputShape input, int numClasses, long seed, IUpdater updater, double weightDecay,
                           double widthMultiplier) {
    public ModelRequest {
        if (input == null) {
            throw new UnknownModelException("input shape is required");
        }
        if (numClasses < 2) {
            throw new UnknownModelException("number of classes must be at least 2, got " + numClasses);
        }
        if (!(weightDecay >= 0) || Double.isInfinite(weightDecay)) {
            throw new UnknownModelException("weight decay must be a finite value >= 0, got " + weightDecay);
        }
        if (!validWidthMultiplier(widthMultiplier)) {
            throw new UnknownModelException("width multiplier must be a finite value > 0 (1 = the published widths),"
                    + " got " + widthMultiplier);
        }
    }

    /** The width rule, wherever a width multiplier is given: a finite number > 0. */
    public static boolean validWidthMultiplier(double widthMultiplier) {
        return widthMultiplier > 0 && !Double.isInfinite(widthMultiplier);
    }

    /** The published widths (width multiplier 1). */
    public ModelRequest(InputShape input, int numClasses, long seed, IUpdater updater, double weightDecay) {
        this(input, numClasses, seed, updater, weightDecay, 1.0);
    }

    /** This request with another width multiplier. */
    public ModelRequest withWidthMultiplier(double multiplier) {
        return new ModelRequest(input, numClasses, seed, updater, weightDecay, multiplier);
    }

    /** A channel count of the published net, scaled: {@code max(1, round(published * widthMultiplier))}. */
    public int channels(int published) {
        if (widthMultiplier == 1.0) {
            return published;
        }
        return (int) Math.max(1, Math.round(published * widthMultiplier));
    }

    /** {@link #channels(int)} of each published count. */
    public int[] widths(int... published) {
        int[] scaled = new int[published.length];
        for (int i = 0; i < published.length; i++) {
            scaled[i] = channels(published[i]);
        }
        return scaled;
    }

    /** CIFAR-10 input with the ResNet paper's optimiser (SGD momentum 0.9, lr 0.1, weight decay 1e-4). */
    public static ModelRequest cifar10() {
        return new ModelRequest(new InputShape(3, 32, 32), 10, 42, new Nesterovs(0.1, 0.9), 1e-4);
    }
}
