package io.convoy.zoo.resnet;

import static io.convoy.zoo.Blocks.addRelu;
import static io.convoy.zoo.Blocks.add;
import static io.convoy.zoo.Blocks.convBn;
import static io.convoy.zoo.Blocks.convBnRelu;
import static io.convoy.zoo.Blocks.relu;
import static io.convoy.zoo.VertexNames.block;
import static io.convoy.zoo.VertexNames.name;
import static io.convoy.zoo.VertexNames.stage;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import io.convoy.zoo.vertex.StochasticDepthVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

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
 * of Fig. 6 (same layers, no shortcuts).
 */
public final class CifarResNet {
    private static final int[] STAGE_WIDTHS = {16, 32, 64};

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
     * decays linearly, p_l = 1 - l/L (1 - p_L); the paper uses p_L = 0.5.
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
        GraphBuilder g = Blocks.graph(request);
        int[] widths = request.widths(STAGE_WIDTHS);
        String x = convBnRelu(g, "stem", "input", widths[0], 3, 1);
        int channels = widths[0];
        int total = widths.length * blocksPerStage;
        for (int s = 0; s < widths.length; s++) {
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                int l = s * blocksPerStage + b + 1;
                double survival = 1.0 - (double) l / total * (1.0 - lastSurvival);
                x = basicBlock(g, name(stage(s + 1), block(b + 1)), x, channels, widths[s], stride,
                        survival, request.seed());
                channels = widths[s];
            }
        }
        Blocks.classifier(g, x, request.numClasses());
        return g.build();
    }

    /** conv3x3 -> BN -> ReLU -> conv3x3 -> BN, added to the shortcut, then ReLU (Fig. 2 of the paper). */
    private String basicBlock(GraphBuilder g, String prefix, String in, int inChannels, int outChannels, int stride,
                              double survival, long seed) {
        String branch = convBnRelu(g, name(prefix, "1"), in, outChannels, 3, stride);
        branch = convBn(g, name(prefix, "2"), branch, outChannels, 3, 1);
        if (survival < 1.0) {
            String dropped = name(prefix, "stochastic_depth");
            g.addVertex(dropped, new StochasticDepthVertex(survival, seed), branch);
            branch = dropped;
        }
        if (shortcut == Shortcut.NONE) {
            return relu(g, name(prefix, "relu"), branch);
        }
        String sc = shortcut(g, prefix, in, inChannels, outChannels, stride);
        return addRelu(g, prefix, branch, sc);
    }

    private String shortcut(GraphBuilder g, String prefix, String in, int inChannels, int outChannels, int stride) {
        boolean sameShape = stride == 1 && inChannels == outChannels;
        if (shortcut == Shortcut.C || (shortcut == Shortcut.B && !sameShape)) {
            return convBn(g, name(prefix, "shortcut"), in, outChannels, 1, stride);
        }
        if (sameShape) {
            return in;
        }
        return CifarResNetShortcuts.zeroPad(g, prefix, in, inChannels, outChannels, stride);
    }
}
