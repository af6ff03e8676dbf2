package io.convoy.zoo.plain;

import static io.convoy.zoo.Blocks.convBnRelu;
import static io.convoy.zoo.Blocks.pool;
import static io.convoy.zoo.VertexNames.block;
import static io.convoy.zoo.VertexNames.name;
import static io.convoy.zoo.VertexNames.stage;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/**
 * A VGG-style plain net for CIFAR (Simonyan and Zisserman 2015, Table 1, configurations A = VGG-11 and
 * D = VGG-16): five stages of 3x3 convolutions with 64, 128, 256, 512 and 512 filters, each stage ending
 * in a 2x2 max pool. As in the common CIFAR adaptations, every convolution is followed by BatchNorm and
 * ReLU and the three 4096-wide fully connected layers are replaced by global average pooling (the map is
 * 1x1 at 32x32 input) and one softmax classifier, so VGG-11 here has 9 weighted layers and VGG-16 has 14.
 */
public final class Vgg {
    private static final int[] WIDTHS = {64, 128, 256, 512, 512};

    private final int[] convsPerStage;

    private Vgg(int[] convsPerStage) {
        this.convsPerStage = convsPerStage;
    }

    /** Configuration A: 8 convolutions. */
    public static Vgg vgg11() {
        return new Vgg(new int[] {1, 1, 2, 2, 2});
    }

    /** Configuration D: 13 convolutions. */
    public static Vgg vgg16() {
        return new Vgg(new int[] {2, 2, 3, 3, 3});
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        int side = Math.min(request.input().height(), request.input().width());
        if (side < 32) {
            throw new UnknownModelException("VGG halves its input five times: it needs at least 32x32, got " + request.input());
        }
        int[] widths = request.widths(WIDTHS);
        GraphBuilder g = Blocks.graph(request);
        String x = "input";
        for (int s = 0; s < widths.length; s++) {
            for (int c = 0; c < convsPerStage[s]; c++) {
                x = convBnRelu(g, name(stage(s + 1), block(c + 1)), x, widths[s], 3, 1);
            }
            x = pool(g, name(stage(s + 1), "maxpool"), x, PoolingType.MAX, 2, 2);
        }
        Blocks.classifier(g, x, request.numClasses());
        return g.build();
    }
}
