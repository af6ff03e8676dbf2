package io.convoy.zoo.resnet;

import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * Wide ResNet WRN-d-k (Zagoruyko and Komodakis 2016): a 16-filter stem, three stages of
 * (d-4)/6 pre-activation basic blocks with 16k, 32k and 64k filters, optional dropout between the two
 * convolutions of a block (the paper's "B(3,3)" with dropout), 1x1 projection shortcuts where the
 * shape changes, and a final BN -> ReLU before pooling.
 */
public final class WideResNet {
    private final ResidualNet net;

    private WideResNet(int depth, int widen, double dropout) {
        int[] widths = Arrays.stream(ResidualNet.CIFAR_WIDTHS).map(w -> w * widen).toArray();
        this.net = ResidualNet.of(ResidualNet.Stem.CIFAR, widths, (depth - 4) / 6, new ResidualUnit.PreActBasic(dropout));
    }

    public static WideResNet of(int depth, int widen, double dropout) {
        if (depth < 10 || (depth - 4) % 6 != 0) {
            throw new UnknownModelException("Wide ResNet depth must be 6n+4 (16, 22, 28, 40, ...), got " + depth);
        }
        if (widen < 1) {
            throw new UnknownModelException("Wide ResNet widening factor must be >= 1, got " + widen);
        }
        if (dropout < 0 || dropout >= 1) {
            throw new UnknownModelException("Wide ResNet dropout must be in [0, 1), got " + dropout);
        }
        return new WideResNet(depth, widen, dropout);
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        return net.build(request);
    }
}
