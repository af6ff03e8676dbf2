package io.convoy.zoo.resnet;

import static io.convoy.zoo.Blocks.bnRelu;
import static io.convoy.zoo.Blocks.add;
import static io.convoy.zoo.Blocks.bn;
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
 * Wide ResNet WRN-d-k (Zagoruyko and Komodakis 2016): a 16-filter stem, three stages of
 * (d-4)/6 pre-activation basic blocks with 16k, 32k and 64k filters, optional dropout between the two
 * convolutions of a block (the paper's "B(3,3)" with dropout), 1x1 projection shortcuts where the
 * shape changes, and a final BN -> ReLU before pooling.
 */
public final class WideResNet {
    private final int depth;
    private final int widen;
    private final double dropout;

    private WideResNet(int depth, int widen, double dropout) {
        this.depth = depth;
        this.widen = widen;
        this.dropout = dropout;
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
        GraphBuilder g = Blocks.graph(request);
        String x = conv(g, name("stem", "conv"), "input", request.channels(16), 3, 1);
        int channels = request.channels(16);
        int blocks = (depth - 4) / 6;
        int[] widths = request.widths(16 * widen, 32 * widen, 64 * widen);
        for (int s = 0; s < 3; s++) {
            for (int b = 0; b < blocks; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                x = wideBlock(g, name(stage(s + 1), block(b + 1)), x, channels, widths[s], stride);
                channels = widths[s];
            }
        }
        x = bnRelu(g, "final", x);
        Blocks.classifier(g, x, request.numClasses());
        return g.build();
    }

    private String wideBlock(GraphBuilder g, String prefix, String in, int inChannels, int out, int stride) {
        String pre = bnRelu(g, name(prefix, "1"), in);
        String branch = conv(g, name(prefix, "1", "conv"), pre, out, 3, stride);
        branch = bnRelu(g, name(prefix, "2"), branch);
        if (dropout > 0) {
            branch = Blocks.dropout(g, name(prefix, "dropout"), branch, dropout);
        }
        branch = conv(g, name(prefix, "2", "conv"), branch, out, 3, 1);
        boolean project = stride != 1 || inChannels != out;
        String shortcut = project ? conv(g, name(prefix, "shortcut", "conv"), pre, out, 1, stride) : in;
        return add(g, name(prefix, "add"), branch, shortcut);
    }
}
