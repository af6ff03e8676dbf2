package io.convoy.zoo.resnet;

import static io.convoy.zoo.Blocks.concat;
import static io.convoy.zoo.Blocks.pool;
import static io.convoy.zoo.VertexNames.name;

import io.convoy.zoo.fast.FastPath;
import io.convoy.zoo.fast.ZeroPadShortcutVertex;
import io.convoy.zoo.vertex.ChannelSubsetVertex;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/** Shortcut pieces shared by the CIFAR ResNet variants. */
final class CifarResNetShortcuts {
    private CifarResNetShortcuts() {
    }

    /**
     * Option A: a strided subsample with zero channels appended (no parameters). The published nets
     * double the channels; under a width multiplier the rounded widths need not be in a ratio of two,
     * so as many zero channels are appended as the output needs (zero-scaled copies of the input, the
     * last cut to size).
     */
    static String zeroPad(GraphBuilder g, String prefix, String in, int inChannels, int outChannels, int stride) {
        if (outChannels < inChannels) {
            throw new IllegalStateException("option A shortcut cannot narrow " + inChannels + " -> " + outChannels + " channels");
        }
        if (FastPath.zeroPadShortcut() && (stride != 1 || outChannels != inChannels)) {
            String pad = name(prefix, "shortcut", "pad");
            g.addVertex(pad, new ZeroPadShortcutVertex(stride, outChannels), in);
            return pad;
        }
        String sub = in;
        if (stride != 1) {
            // a 1x1 max pool with stride 2 keeps every other pixel, like x[:, :, ::2, ::2]
            sub = pool(g, name(prefix, "shortcut", "subsample"), in, PoolingType.MAX, 1, stride);
        }
        if (outChannels == inChannels) {
            return sub;
        }
        if (outChannels < inChannels) {
            throw new IllegalStateException("option A shortcut cannot narrow " + inChannels + " -> " + outChannels + " channels");
        }
        List<String> parts = new ArrayList<>(List.of(sub));
        int missing = outChannels - inChannels;
        for (int copy = 1; missing > 0; copy++) {
            String zeros = name(prefix, "shortcut", copy == 1 ? "zeros" : "zeros" + copy);
            g.addVertex(zeros, new ScaleVertex(0.0), sub);
            if (missing < inChannels) {
                String cut = name(prefix, "shortcut", "zeros" + (copy == 1 ? "" : copy), "cut");
                g.addVertex(cut, new ChannelSubsetVertex(0, missing - 1), zeros);
                zeros = cut;
            }
            parts.add(zeros);
            missing -= Math.min(missing, inChannels);
        }
        return concat(g, name(prefix, "shortcut", "pad"), parts.toArray(String[]::new));
    }
}
