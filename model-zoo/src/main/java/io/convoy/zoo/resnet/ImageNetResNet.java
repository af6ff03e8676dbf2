package io.convoy.zoo.resnet;

import static io.convoy.zoo.Blocks.addRelu;
import static io.convoy.zoo.Blocks.add;
import static io.convoy.zoo.Blocks.convBn;
import static io.convoy.zoo.Blocks.convBnRelu;
import static io.convoy.zoo.Blocks.pool;
import static io.convoy.zoo.Blocks.relu;
import static io.convoy.zoo.VertexNames.block;
import static io.convoy.zoo.VertexNames.name;
import static io.convoy.zoo.VertexNames.stage;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.ModelRequest;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/**
 * The ImageNet ResNets of He et al. 2016, Table 1: a 7x7/2 convolution with 64 filters and a 3x3/2
 * max pool, four stages with 64, 128, 256 and 512 filters, basic blocks (ResNet-18/34) or bottleneck
 * blocks with expansion 4 (ResNet-50/101/152), global average pooling and a softmax classifier.
 * Projection shortcuts (option B) where the shape changes. In bottleneck blocks the stride sits on the
 * 3x3 convolution, as in torchvision's "ResNet v1.5" (the paper put it on the first 1x1).
 */
public final class ImageNetResNet {
    private static final int[] STAGE_WIDTHS = {64, 128, 256, 512};

    private final int[] blocks;
    private final boolean bottleneck;

    private ImageNetResNet(int[] blocks, boolean bottleneck) {
        this.blocks = blocks;
        this.bottleneck = bottleneck;
    }

    public static ImageNetResNet basic(int... blocksPerStage) {
        return new ImageNetResNet(blocksPerStage, false);
    }

    public static ImageNetResNet bottleneck(int... blocksPerStage) {
        return new ImageNetResNet(blocksPerStage, true);
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        GraphBuilder g = Blocks.graph(request);
        int[] widths = request.widths(STAGE_WIDTHS);
        String x = convBnRelu(g, "stem", "input", request.channels(64), 7, 2);
        x = pool(g, name("stem", "maxpool"), x, PoolingType.MAX, 3, 2);
        int channels = request.channels(64);
        for (int s = 0; s < widths.length; s++) {
            int out = bottleneck ? widths[s] * 4 : widths[s];
            for (int b = 0; b < blocks[s]; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                String prefix = name(stage(s + 1), block(b + 1));
                String branch;
                if (bottleneck) {
                    branch = convBnRelu(g, name(prefix, "1"), x, widths[s], 1, 1);
                    branch = convBnRelu(g, name(prefix, "2"), branch, widths[s], 3, stride);
                    branch = convBn(g, name(prefix, "3"), branch, out, 1, 1);
                } else {
                    branch = convBnRelu(g, name(prefix, "1"), x, out, 3, stride);
                    branch = convBn(g, name(prefix, "2"), branch, out, 3, 1);
                }
                String shortcut = (stride != 1 || channels != out)
                        ? convBn(g, name(prefix, "shortcut"), x, out, 1, stride) : x;
                x = addRelu(g, prefix, branch, shortcut);
                channels = out;
            }
        }
        Blocks.classifier(g, x, request.numClasses());
        return g.build();
    }
}
