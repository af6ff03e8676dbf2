package io.convoy.zoo.resnet;

import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * The ablations of He et al. 2016b ("Identity Mappings in Deep Residual Networks") on the CIFAR
 * ResNet (basic units, depth 6n+2): the shortcut variants of Table 1 / Fig. 2 and the residual unit
 * orders of Table 2 / Fig. 4. The variants act on the identity shortcuts; where the shape changes
 * the shortcut stays the option-A zero-pad of the original net, so every variant differs from the
 * original only in what the paper varies. Built from {@link ResidualUnit.IdentityMapping} units.
 */
public final class IdentityMappingResNet {
    /** Table 1 / Fig. 2. */
    public enum ShortcutVariant {
        /** Fig. 2(a): identity. */
        IDENTITY,
        /** Fig. 2(b): 0.5 on the shortcut and 0.5 on the residual branch. */
        CONSTANT_SCALING,
        /** Fig. 2(c): (1 - g(x)) on the shortcut, g(x) on the residual; g = sigmoid(1x1 conv + b_g). */
        EXCLUSIVE_GATING,
        /** Fig. 2(d): (1 - g(x)) on the shortcut only. */
        SHORTCUT_ONLY_GATING,
        /** Fig. 2(e): a 1x1 convolution on the shortcut. */
        CONV_SHORTCUT,
        /** Fig. 2(f): dropout (ratio 0.5) on the shortcut. */
        DROPOUT_SHORTCUT
    }

    /** Table 2 / Fig. 4. */
    public enum UnitOrder {
        /** Fig. 4(a): conv-BN-ReLU-conv-BN, add, ReLU. */
        ORIGINAL,
        /** Fig. 4(b): conv-BN-ReLU-conv, add, BN, ReLU. */
        BN_AFTER_ADDITION,
        /** Fig. 4(c): conv-BN-ReLU-conv-BN-ReLU, add. */
        RELU_BEFORE_ADDITION,
        /** Fig. 4(d): ReLU-conv-BN-ReLU-conv-BN, add. */
        RELU_ONLY_PREACTIVATION,
        /** Fig. 4(e): BN-ReLU-conv-BN-ReLU-conv, add. */
        FULL_PREACTIVATION
    }

    /** The exclusive-gating row of Table 1 the paper reports best: gate bias initialised to -6. */
    public static final double PAPER_GATE_BIAS = -6.0;

    private final ResidualNet net;

    private IdentityMappingResNet(int depth, ShortcutVariant shortcut, UnitOrder order, double gateBias) {
        this.net = ResidualNet.of(ResidualNet.Stem.CIFAR, ResidualNet.CIFAR_WIDTHS, (depth - 2) / 6,
                new ResidualUnit.IdentityMapping(order, shortcut, gateBias));
    }

    /**
     * @param gateBias initial bias b_g of the gates (the paper's best exclusive gating used {@link #PAPER_GATE_BIAS})
     */
    public static IdentityMappingResNet of(int depth, ShortcutVariant shortcut, UnitOrder order, double gateBias) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new UnknownModelException("CIFAR ResNet depth must be 6n+2, got " + depth);
        }
        if (shortcut != ShortcutVariant.IDENTITY && order != UnitOrder.ORIGINAL) {
            throw new UnknownModelException("the paper varies the shortcut on the original unit order only;"
                    + " got shortcut " + shortcut + " with order " + order);
        }
        return new IdentityMappingResNet(depth, shortcut, order, gateBias);
    }

    /** With pre-activation orders the stem is a bare conv and the net ends with BN-ReLU (Fig. 4(e)). */
    public ComputationGraphConfiguration build(ModelRequest request) {
        return net.build(request);
    }
}
