package io.convoy.zoo.resnet;

import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * The CIFAR ResNet of He et al. 2016 ("Deep Residual Learning for Image Recognition", section 4.2):
 * a 3x3 convolution with 16 filters, then three stages of n basic blocks with 16, 32 and 64 filters
 * (the first block of stages 2 and 3 halves the feature map with stride 2), global average pooling
 * and a softmax classifier: 6n+2 weighted layers. BatchNorm follows every convolution, before ReLU.
 *
 * <p>Shortcuts follow {@link Shortcut}: the paper's CIFAR nets use option A, parameter-free: identity,
 * and where the shape changes a strided subsample concatenated with zeros to double the channels. The
 * zeros are appended after the existing channels (torchvision-style CIFAR ports pad both sides; the
 * result is the same up to a permutation of channels). {@link Shortcut#NONE} gives the plain twin
 * of Fig. 6 (same layers, no shortcuts). Built from {@link ResidualUnit.Basic} units.
 */
public final class CifarResNet {
    /** The p_L of Huang et al. 2016's CIFAR nets (section 4). */
    public static final double PAPER_LAST_SURVIVAL = 0.5;

    private final int depth;
    private final int blocksPerStage;
    private final Shortcut shortcut;
    /** Survival probability of the last residual branch (p_L), or 1 for no stochastic depth. */
    private final double lastSurvival;

    private CifarResNet(int depth, Shortcut shortcut, double lastSurvival) {
        this.depth = depth;
        this.blocksPerStage = (depth - 2) / 6;
        this.shortcut = shortcut;
        this.lastSurvival = lastSurvival;
    }

    /**
     * This net with stochastic depth (Huang et al. 2016): the survival probability of block l of L
     * decays linearly, p_l = 1 - l/L (1 - p_L); the paper uses {@link #PAPER_LAST_SURVIVAL}.
     */
    public CifarResNet withStochasticDepth(double pL) {
        if (!(pL > 0 && pL <= 1)) {
            throw new UnknownModelException("stochastic depth p_L must be in (0, 1], got " + pL);
        }
        if (shortcut == Shortcut.NONE) {
            throw new UnknownModelException("stochastic depth needs shortcuts: a plain net would lose its signal");
        }
        return new CifarResNet(depth, shortcut, pL);
    }

    /** A CIFAR ResNet of the given depth with option-A shortcuts; throws if the depth is not 6n+2 with n >= 1. */
    public static CifarResNet of(int depth) {
        return of(depth, Shortcut.A);
    }

    public static CifarResNet of(int depth, Shortcut shortcut) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new UnknownModelException("CIFAR ResNet depth must be 6n+2 with n >= 1 (8, 14, 20, 32, 44, 56, 110, ...),"
                    + " got " + depth);
        }
        return new CifarResNet(depth, shortcut, 1.0);
    }

    public int depth() {
        return depth;
    }

    public int blocksPerStage() {
        return blocksPerStage;
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        return ResidualNet.of(ResidualNet.Stem.CIFAR, ResidualNet.CIFAR_WIDTHS, blocksPerStage, new ResidualUnit.Basic(shortcut))
                .withStochasticDepth(lastSurvival).build(request);
    }
}
