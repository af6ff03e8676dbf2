package io.convoy.zoo.resnet;

import static io.convoy.zoo.Blocks.concat;
import static io.convoy.zoo.Blocks.pool;
import static io.convoy.zoo.VertexNames.name;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/** Shortcut pieces shared by the CIFAR ResNet variants. */
final class CifarResNetShortcuts {
    private CifarResNetShortcuts() {
    }

    /** Option A: a strided subsample with zero channels appended (no parameters). */
    static String zeroPad(GraphBuilder g, String prefix, String in, int inChannels, int outChannels, int stride) {
        String sub = in;
        if (stride != 1) {
            // a 1x1 max pool with stride 2 keeps every other pixel, like x[:, :, ::2, ::2]
            sub = pool(g, name(prefix, "shortcut", "subsample"), in, PoolingType.MAX, 1, stride);
        }
        if (outChannels == inChannels) {
            return sub;
        }
        if (outChannels != 2 * inChannels) {
            throw new IllegalStateException("option A shortcut pads to twice the channels, not " + inChannels + " -> " + outChannels);
        }
        String zeros = name(prefix, "shortcut", "zeros");
        g.addVertex(zeros, new ScaleVertex(0.0), sub);
        return concat(g, name(prefix, "shortcut", "pad"), sub, zeros);
    }
}
