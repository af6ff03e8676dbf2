package io.convoy.zoo.resnet;

import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * Pre-activation ResNet for CIFAR (He et al. 2016b, "Identity Mappings in Deep Residual Networks"):
 * full pre-activation units (BN -> ReLU -> conv), an identity path with nothing on it, and a final
 * BN -> ReLU before pooling. Basic units give depth 6n+2 (ResNet-110); bottleneck units (1x1, 3x3,
 * 1x1 with expansion 4) give depth 9n+2 (ResNet-164, ResNet-1001). Where the shape changes the
 * shortcut is a 1x1 projection, taking the pre-activated input as the paper's code does.
 */
public final class PreActResNet {
    private final int depth;
    private final ResidualNet net;

    private PreActResNet(int depth, int blocksPerStage, ResidualUnit unit) {
        this.depth = depth;
        this.net = ResidualNet.of(ResidualNet.Stem.CIFAR, ResidualNet.CIFAR_WIDTHS, blocksPerStage, unit);
    }

    public static PreActResNet basic(int depth) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new UnknownModelException("pre-activation ResNet (basic units) depth must be 6n+2, got " + depth);
        }
        return new PreActResNet(depth, (depth - 2) / 6, new ResidualUnit.PreActBasic(0));
    }

    public static PreActResNet bottleneck(int depth) {
        if (depth < 11 || (depth - 2) % 9 != 0) {
            throw new UnknownModelException("pre-activation ResNet (bottleneck units) depth must be 9n+2 (164, 1001, ...), got " + depth);
        }
        return new PreActResNet(depth, (depth - 2) / 9, new ResidualUnit.PreActBottleneck());
    }

    public int depth() {
        return depth;
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        return net.build(request);
    }
}
