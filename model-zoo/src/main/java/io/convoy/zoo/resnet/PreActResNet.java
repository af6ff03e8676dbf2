package io.convoy.zoo.resnet;

import static io.convoy.zoo.Blocks.bnRelu;
import static io.convoy.zoo.Blocks.add;
import static io.convoy.zoo.Blocks.bn;
import static io.convoy.zoo.Blocks.bnReluConv;
import static io.convoy.zoo.Blocks.conv;
import static io.convoy.zoo.Blocks.relu;
import static io.convoy.zoo.VertexNames.block;
import static io.convoy.zoo.VertexNames.name;
import static io.convoy.zoo.VertexNames.stage;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;

/**
 * Pre-activation ResNet for CIFAR (He et al. 2016b, "Identity Mappings in Deep Residual Networks"):
 * full pre-activation units (BN -> ReLU -> conv), an identity path with nothing on it, and a final
 * BN -> ReLU before pooling. Basic units give depth 6n+2 (ResNet-110); bottleneck units (1x1, 3x3,
 * 1x1 with expansion 4) give depth 9n+2 (ResNet-164, ResNet-1001). Where the shape changes the
 * shortcut is a 1x1 projection, taking the pre-activated input as the paper's code does.
 */
public final class PreActResNet {
    private static final int[] STAGE_WIDTHS = {16, 32, 64};
    private static final int EXPANSION = 4;

    private final int depth;
    private final boolean bottleneck;
    private final int blocksPerStage;

    private PreActResNet(int depth, boolean bottleneck) {
        this.depth = depth;
        this.bottleneck = bottleneck;
        this.blocksPerStage = bottleneck ? (depth - 2) / 9 : (depth - 2) / 6;
    }

    public static PreActResNet basic(int depth) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new UnknownModelException("pre-activation ResNet (basic units) depth must be 6n+2, got " + depth);
        }
        return new PreActResNet(depth, false);
    }

    public static PreActResNet bottleneck(int depth) {
        if (depth < 11 || (depth - 2) % 9 != 0) {
            throw new UnknownModelException("pre-activation ResNet (bottleneck units) depth must be 9n+2 (164, 1001, ...), got " + depth);
        }
        return new PreActResNet(depth, true);
    }

    public int depth() {
        return depth;
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        GraphBuilder g = Blocks.graph(request);
        int[] widths = request.widths(STAGE_WIDTHS);
        String x = conv(g, name("stem", "conv"), "input", widths[0], 3, 1);
        int channels = widths[0];
        for (int s = 0; s < widths.length; s++) {
            int out = bottleneck ? widths[s] * EXPANSION : widths[s];
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                String prefix = name(stage(s + 1), block(b + 1));
                x = unit(g, prefix, x, channels, widths[s], out, stride);
                channels = out;
            }
        }
        x = bnRelu(g, "final", x);
        Blocks.classifier(g, x, request.numClasses());
        return g.build();
    }

    private String unit(GraphBuilder g, String prefix, String in, int inChannels, int width, int out, int stride) {
        boolean project = stride != 1 || inChannels != out;
        // the pre-activation of the input, shared by the branch and a projection shortcut
        String pre = bnRelu(g, name(prefix, "1"), in);
        String branch;
        if (bottleneck) {
            branch = conv(g, name(prefix, "1", "conv"), pre, width, 1, 1);
            branch = bnReluConv(g, name(prefix, "2"), branch, width, 3, stride);
            branch = bnReluConv(g, name(prefix, "3"), branch, out, 1, 1);
        } else {
            branch = conv(g, name(prefix, "1", "conv"), pre, width, 3, stride);
            branch = bnReluConv(g, name(prefix, "2"), branch, out, 3, 1);
        }
        String shortcut = project ? conv(g, name(prefix, "shortcut", "conv"), pre, out, 1, stride) : in;
        return add(g, name(prefix, "add"), branch, shortcut);
    }
}
