package io.convoy.zoo.resnet;

import static io.convoy.zoo.Blocks.add;
import static io.convoy.zoo.Blocks.addRelu;
import static io.convoy.zoo.Blocks.bnRelu;
import static io.convoy.zoo.Blocks.bnReluConv;
import static io.convoy.zoo.Blocks.conv;
import static io.convoy.zoo.Blocks.convBn;
import static io.convoy.zoo.Blocks.convBnRelu;
import static io.convoy.zoo.Blocks.relu;
import static io.convoy.zoo.VertexNames.name;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.resnet.IdentityMappingResNet.ShortcutVariant;
import io.convoy.zoo.resnet.IdentityMappingResNet.UnitOrder;
import io.convoy.zoo.vertex.StochasticDepthVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.graph.ShiftVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.nd4j.linalg.activations.Activation;

/**
 * A residual unit type, in the manner of torchvision's {@code BasicBlock} and {@code Bottleneck}: its
 * expansion, and the layers and vertices it adds for one unit (residual branch, shortcut, join) under the
 * unit's prefix, through {@link Blocks} and so with the {@link io.convoy.zoo.fast.FastPath} switches.
 * {@link ResidualNet} stacks units into stages.
 */
public sealed interface ResidualUnit {
    /** Output channels per channel of stage width: 1 for basic units, 4 for bottlenecks. */
    int expansion();

    /**
     * Whether the unit starts with BN-ReLU (He et al. 2016b): the net then has a bare convolution as its
     * stem and a final BN-ReLU before pooling, since no unit normalises its own output.
     */
    boolean preActivation();

    /** Adds one unit at {@code at}; returns the name of its output. */
    String append(GraphBuilder g, Site at);

    /**
     * Where a unit goes: its vertex-name prefix ({@code stage2.block1}), its input and the input's channels,
     * the stage width, its output channels (width x expansion), its stride, and the survival probability
     * of its residual branch under stochastic depth (1 without) with the seed its draws use.
     */
    record Site(String prefix, String in, int inChannels, int width, int out, int stride, double survival, long seed) {
        boolean sameShape() {
            return stride == 1 && inChannels == out;
        }
    }

    /** The original unit of He et al. 2016 (Fig. 2 left): conv3x3-BN-ReLU-conv3x3-BN, add, ReLU. */
    record Basic(Shortcut shortcut) implements ResidualUnit {
        @Override
        public int expansion() {
            return 1;
        }

        @Override
        public boolean preActivation() {
            return false;
        }

        @Override
        public String append(GraphBuilder g, Site at) {
            return postActivationJoin(g, at, originalBranch(g, at), shortcut);
        }
    }

    /**
     * The bottleneck unit of He et al. 2016 (Fig. 5 right): 1x1, 3x3, 1x1 with expansion 4, each followed
     * by BN, add, ReLU. The stride sits on the 3x3, as in torchvision's "ResNet v1.5" (the paper put it on
     * the first 1x1).
     */
    record Bottleneck(Shortcut shortcut) implements ResidualUnit {
        @Override
        public int expansion() {
            return 4;
        }

        @Override
        public boolean preActivation() {
            return false;
        }

        @Override
        public String append(GraphBuilder g, Site at) {
            String p = at.prefix();
            String branch = convBnRelu(g, name(p, "1"), at.in(), at.width(), 1, 1);
            branch = convBnRelu(g, name(p, "2"), branch, at.width(), 3, at.stride());
            branch = convBn(g, name(p, "3"), branch, at.out(), 1, 1);
            return postActivationJoin(g, at, branch, shortcut);
        }
    }

    /**
     * Full pre-activation basic unit (He et al. 2016b, Fig. 4(e)): BN-ReLU-conv3x3-BN-ReLU-conv3x3, added
     * to the identity or to a 1x1 projection of the pre-activated input. With dropout between the two
     * convolutions it is the Wide ResNet unit (Zagoruyko and Komodakis 2016, "B(3,3)" with dropout).
     */
    record PreActBasic(double dropout) implements ResidualUnit {
        @Override
        public int expansion() {
            return 1;
        }

        @Override
        public boolean preActivation() {
            return true;
        }

        @Override
        public String append(GraphBuilder g, Site at) {
            String p = at.prefix();
            // the pre-activation of the input, shared by the branch and a projection shortcut
            String pre = bnRelu(g, name(p, "1"), at.in());
            String branch = conv(g, name(p, "1", "conv"), pre, at.width(), 3, at.stride());
            branch = bnRelu(g, name(p, "2"), branch);
            if (dropout > 0) {
                branch = Blocks.dropout(g, name(p, "dropout"), branch, dropout);
            }
            branch = conv(g, name(p, "2", "conv"), branch, at.out(), 3, 1);
            return preActivationJoin(g, at, pre, branch);
        }
    }

    /** Full pre-activation bottleneck unit (He et al. 2016b): BN-ReLU-conv1x1, BN-ReLU-conv3x3, BN-ReLU-conv1x1 (x4). */
    record PreActBottleneck() implements ResidualUnit {
        @Override
        public int expansion() {
            return 4;
        }

        @Override
        public boolean preActivation() {
            return true;
        }

        @Override
        public String append(GraphBuilder g, Site at) {
            String p = at.prefix();
            String pre = bnRelu(g, name(p, "1"), at.in());
            String branch = conv(g, name(p, "1", "conv"), pre, at.width(), 1, 1);
            branch = bnReluConv(g, name(p, "2"), branch, at.width(), 3, at.stride());
            branch = bnReluConv(g, name(p, "3"), branch, at.out(), 1, 1);
            return preActivationJoin(g, at, pre, branch);
        }
    }

    /**
     * The basic unit as He et al. 2016b vary it: one of the unit orders of Table 2 / Fig. 4 with an identity
     * shortcut, or the original order with one of the shortcut variants of Table 1 / Fig. 2. The variants act
     * on identity shortcuts; where the shape changes the shortcut stays the option-A zero-pad. The sum is an
     * add vertex of its own (not the fused add + ReLU), followed by what the order puts after it.
     *
     * @param gateBias initial bias b_g of the gates of the gating variants
     */
    record IdentityMapping(UnitOrder order, ShortcutVariant shortcut, double gateBias) implements ResidualUnit {
        @Override
        public int expansion() {
            return 1;
        }

        @Override
        public boolean preActivation() {
            return order == UnitOrder.FULL_PREACTIVATION || order == UnitOrder.RELU_ONLY_PREACTIVATION;
        }

        @Override
        public String append(GraphBuilder g, Site at) {
            String p = at.prefix();
            String in = at.in();
            int out = at.out();
            int stride = at.stride();
            String f = switch (order) {
                case ORIGINAL -> originalBranch(g, at);
                case BN_AFTER_ADDITION -> conv(g, name(p, "2", "conv"), convBnRelu(g, name(p, "1"), in, out, 3, stride), out, 3, 1);
                case RELU_BEFORE_ADDITION -> convBnRelu(g, name(p, "2"), convBnRelu(g, name(p, "1"), in, out, 3, stride), out, 3, 1);
                case RELU_ONLY_PREACTIVATION -> convBn(g, name(p, "2"),
                        relu(g, name(p, "2", "relu"), convBn(g, name(p, "1"), relu(g, name(p, "1", "relu"), in), out, 3, stride)),
                        out, 3, 1);
                case FULL_PREACTIVATION -> bnReluConv(g, name(p, "2"), bnReluConv(g, name(p, "1"), in, out, 3, stride), out, 3, 1);
            };
            String sum = at.sameShape() ? combine(g, p, in, f, out)
                    : add(g, name(p, "add"), f, CifarResNetShortcuts.zeroPad(g, p, in, at.inChannels(), out, stride));
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

    /** The residual branch of the original basic unit: conv3x3 -> BN -> ReLU -> conv3x3 -> BN. */
    private static String originalBranch(GraphBuilder g, Site at) {
        String branch = convBnRelu(g, name(at.prefix(), "1"), at.in(), at.out(), 3, at.stride());
        return convBn(g, name(at.prefix(), "2"), branch, at.out(), 3, 1);
    }

    /**
     * The end of a post-activation unit: stochastic depth on the branch where the site's survival is below
     * 1 (Huang et al. 2016), then ReLU of branch + shortcut; with {@link Shortcut#NONE} (the plain twin)
     * ReLU of the branch alone.
     */
    private static String postActivationJoin(GraphBuilder g, Site at, String branch, Shortcut shortcut) {
        String p = at.prefix();
        if (at.survival() < 1.0) {
            String dropped = name(p, "stochastic_depth");
            g.addVertex(dropped, new StochasticDepthVertex(at.survival(), at.seed()), branch);
            branch = dropped;
        }
        if (shortcut == Shortcut.NONE) {
            return relu(g, name(p, "relu"), branch);
        }
        return addRelu(g, p, branch, shortcut(g, at, shortcut));
    }

    /** The shortcut of a post-activation unit under option A, B or C (He et al. 2016, section 4.1). */
    private static String shortcut(GraphBuilder g, Site at, Shortcut option) {
        if (option == Shortcut.C || (option == Shortcut.B && !at.sameShape())) {
            return convBn(g, name(at.prefix(), "shortcut"), at.in(), at.out(), 1, at.stride());
        }
        if (at.sameShape()) {
            return at.in();
        }
        return CifarResNetShortcuts.zeroPad(g, at.prefix(), at.in(), at.inChannels(), at.out(), at.stride());
    }

    /** The end of a pre-activation unit: the branch added to the input, or to a 1x1 projection of its pre-activation. */
    private static String preActivationJoin(GraphBuilder g, Site at, String pre, String branch) {
        String shortcut = at.sameShape() ? at.in()
                : conv(g, name(at.prefix(), "shortcut", "conv"), pre, at.out(), 1, at.stride());
        return add(g, name(at.prefix(), "add"), branch, shortcut);
    }
}
