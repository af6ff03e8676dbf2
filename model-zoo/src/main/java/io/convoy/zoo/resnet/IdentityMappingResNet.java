package io.convoy.zoo.resnet;

import static io.convoy.zoo.Blocks.bnRelu;
import static io.convoy.zoo.Blocks.add;
import static io.convoy.zoo.Blocks.bn;
import static io.convoy.zoo.Blocks.conv;
import static io.convoy.zoo.Blocks.convBn;
import static io.convoy.zoo.Blocks.convBnRelu;
import static io.convoy.zoo.Blocks.relu;
import static io.convoy.zoo.VertexNames.block;
import static io.convoy.zoo.VertexNames.name;
import static io.convoy.zoo.VertexNames.stage;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * The ablations of He et al. 2016b ("Identity Mappings in Deep Residual Networks") on the CIFAR
 * ResNet (basic units, depth 6n+2): the shortcut variants of Table 1 / Fig. 2 and the residual unit
 * orders of Table 2 / Fig. 4. The variants act on the identity shortcuts; where the shape changes
 * the shortcut stays the option-A zero-pad of the original net, so every variant differs from the
 * original only in what the paper varies.
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

    private static final int[] STAGE_WIDTHS = {16, 32, 64};

    private final int blocksPerStage;
    private final ShortcutVariant shortcut;
    private final UnitOrder order;
    private final double gateBias;

    private IdentityMappingResNet(int depth, ShortcutVariant shortcut, UnitOrder order, double gateBias) {
        this.blocksPerStage = (depth - 2) / 6;
        this.shortcut = shortcut;
        this.order = order;
        this.gateBias = gateBias;
    }

    /**
     * @param gateBias initial bias b_g of the gates (the paper's best exclusive gating used -6)
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

    public ComputationGraphConfiguration build(ModelRequest request) {
        GraphBuilder g = Blocks.graph(request);
        boolean preact = order == UnitOrder.FULL_PREACTIVATION || order == UnitOrder.RELU_ONLY_PREACTIVATION;
        // with pre-activation units the stem is a bare conv and the net ends with BN-ReLU (Fig. 4(e))
        int[] widths = request.widths(STAGE_WIDTHS);
        String x = preact ? conv(g, name("stem", "conv"), "input", widths[0], 3, 1)
                : convBnRelu(g, "stem", "input", widths[0], 3, 1);
        int channels = widths[0];
        for (int s = 0; s < widths.length; s++) {
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                x = unit(g, name(stage(s + 1), block(b + 1)), x, channels, widths[s], stride);
                channels = widths[s];
            }
        }
        if (preact) {
            x = bnRelu(g, "final", x);
        }
        Blocks.classifier(g, x, request.numClasses());
        return g.build();
    }

    private String unit(GraphBuilder g, String p, String in, int inChannels, int out, int stride) {
        String f = switch (order) {
            case ORIGINAL -> convBn(g, name(p, "2"), convBnRelu(g, name(p, "1"), in, out, 3, stride), out, 3, 1);
            case BN_AFTER_ADDITION -> conv(g, name(p, "2", "conv"), convBnRelu(g, name(p, "1"), in, out, 3, stride), out, 3, 1);
            case RELU_BEFORE_ADDITION -> convBnRelu(g, name(p, "2"), convBnRelu(g, name(p, "1"), in, out, 3, stride), out, 3, 1);
            case RELU_ONLY_PREACTIVATION -> convBn(g, name(p, "2"),
                    relu(g, name(p, "2", "relu"), convBn(g, name(p, "1"), relu(g, name(p, "1", "relu"), in), out, 3, stride)),
                    out, 3, 1);
            case FULL_PREACTIVATION -> Blocks.bnReluConv(g, name(p, "2"), Blocks.bnReluConv(g, name(p, "1"), in, out, 3, stride), out, 3, 1);
        };
        boolean identity = stride == 1 && inChannels == out;
        String sum = identity ? combine(g, p, in, f, out)
                : add(g, name(p, "add"), f, CifarResNetShortcuts.zeroPad(g, p, in, inChannels, out, stride));
        return switch (order) {
            case ORIGINAL -> relu(g, name(p, "relu"), sum);
            case BN_AFTER_ADDITION -> bnRelu(g, p, sum);
            default -> sum;
        };
    }

    /** Joins the residual branch f with the identity input x as the shortcut variant says. */
    private String combine(GraphBuilder g, String p, String x, String f, int channels) {
        switch (shortcut) {
            case IDENTITY:
                return add(g, name(p, "add"), f, x);
            case CONSTANT_SCALING: {
                g.addVertex(name(p, "shortcut", "scale"), new ScaleVertex(0.5), x);
                g.addVertex(name(p, "residual", "scale"), new ScaleVertex(0.5), f);
                return add(g, name(p, "add"), name(p, "residual", "scale"), name(p, "shortcut", "scale"));
            }
            case EXCLUSIVE_GATING:
            case SHORTCUT_ONLY_GATING: {
                String gate = name(p, "gate");
                g.addLayer(gate, new ConvolutionLayer.Builder(1, 1).nOut(channels).activation(Activation.SIGMOID)
                        .biasInit(gateBias).build(), x);
                g.addVertex(name(p, "gate", "neg"), new ScaleVertex(-1.0), gate);
                g.addVertex(name(p, "gate", "complement"), new ShiftVertex(1.0), name(p, "gate", "neg"));
                g.addVertex(name(p, "shortcut", "gated"), new ElementWiseVertex(ElementWiseVertex.Op.Product),
                        name(p, "gate", "complement"), x);
                String residual = f;
                if (shortcut == ShortcutVariant.EXCLUSIVE_GATING) {
                    residual = name(p, "residual", "gated");
                    g.addVertex(residual, new ElementWiseVertex(ElementWiseVertex.Op.Product), gate, f);
                }
                return add(g, name(p, "add"), residual, name(p, "shortcut", "gated"));
            }
            case CONV_SHORTCUT:
                return add(g, name(p, "add"), f, conv(g, name(p, "shortcut", "conv"), x, channels, 1, 1));
            case DROPOUT_SHORTCUT: {
                // Dropout on a copy of x: DL4J lets a dropout layer overwrite its input in place when it is
                // that input's last consumer in topological order, but the branch's first convolution keeps
                // x for its weight gradient, which then came out wrong (found by the gradient check).
                String copy = name(p, "shortcut", "copy");
                g.addVertex(copy, new ScaleVertex(1.0), x);
                return add(g, name(p, "add"), f, Blocks.dropout(g, name(p, "shortcut", "dropout"), copy, 0.5));
            }
            default:
                throw new IllegalStateException("unhandled shortcut " + shortcut);
        }
    }
}
