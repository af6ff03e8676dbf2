package io.convoy.zoo.densenet;

import static io.convoy.zoo.Blocks.bnRelu;
import static io.convoy.zoo.Blocks.bn;
import static io.convoy.zoo.Blocks.bnReluConv;
import static io.convoy.zoo.Blocks.concat;
import static io.convoy.zoo.Blocks.conv;
import static io.convoy.zoo.Blocks.convBnRelu;
import static io.convoy.zoo.Blocks.pool;
import static io.convoy.zoo.Blocks.relu;
import static io.convoy.zoo.VertexNames.name;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/**
 * DenseNet (Huang et al. 2017): dense blocks in which every layer (BN -> ReLU -> conv3x3 with k
 * filters, the growth rate) sees the concatenation of all earlier feature maps, joined by transition
 * layers (BN -> ReLU -> conv1x1 -> 2x2 average pool). DenseNet-BC adds a 1x1 bottleneck to 4k
 * channels before each 3x3 and compresses transitions by theta = 0.5.
 *
 * <p>CIFAR form (section 3, "Implementation Details"): three blocks of equal size, a 3x3 stem with 16
 * channels (2k for BC); depth L = 3n+4, so n = (L-4)/3 layers per block, half as many for BC since
 * each layer has two convolutions. ImageNet form (Table 1): a 7x7/2 stem with 2k channels and a 3x3/2
 * max pool, four blocks of given sizes, BC with k = 32 (DenseNet-161: k = 48).
 */
public final class DenseNet {
    private final int[] blockSizes;
    private final int growth;
    private final boolean bc;
    private final boolean imagenetStem;

    private DenseNet(int[] blockSizes, int growth, boolean bc, boolean imagenetStem) {
        if (growth <= 0) {
            throw new UnknownModelException("DenseNet growth rate must be > 0, got " + growth);
        }
        if (blockSizes.length == 0) {
            throw new UnknownModelException("DenseNet needs at least one dense block, got none");
        }
        for (int size : blockSizes) {
            if (size < 1) {
                throw new UnknownModelException("DenseNet block sizes must be >= 1, got " + java.util.Arrays.toString(blockSizes));
            }
        }
        this.blockSizes = blockSizes.clone();
        this.growth = growth;
        this.bc = bc;
        this.imagenetStem = imagenetStem;
    }

    /** CIFAR DenseNet of depth L (3n+4) and growth rate k; BC halves the layers per block. */
    public static DenseNet cifar(int depth, int growth, boolean bc) {
        if (bc ? depth < 10 || (depth - 4) % 6 != 0 : depth < 7 || (depth - 4) % 3 != 0) {
            throw new UnknownModelException("CIFAR DenseNet" + (bc ? "-BC" : "") + " depth must be "
                    + (bc ? "6n+4 with n >= 1 (10, 100, 190, 250, ...): 3n+4 with two convolutions per layer"
                    : "3n+4 with n >= 1 (7, 40, 100, ...)") + ", got " + depth);
        }
        int perBlock = bc ? (depth - 4) / 6 : (depth - 4) / 3;
        return new DenseNet(new int[] {perBlock, perBlock, perBlock}, growth, bc, false);
    }

    /** ImageNet DenseNet-BC with the given block sizes. */
    public static DenseNet imagenet(int growth, int... blockSizes) {
        return new DenseNet(blockSizes, growth, true, true);
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        GraphBuilder g = Blocks.graph(request);
        int k = request.channels(growth);
        // BC and ImageNet stems have 2k channels; the CIFAR DenseNet's has 16
        int stemChannels = bc ? 2 * k : request.channels(16);
        String x;
        if (imagenetStem) {
            x = convBnRelu(g, "stem", "input", stemChannels, 7, 2);
            x = pool(g, name("stem", "maxpool"), x, PoolingType.MAX, 3, 2);
        } else {
            x = conv(g, name("stem", "conv"), "input", stemChannels, 3, 1);
        }
        int channels = stemChannels;
        for (int b = 0; b < blockSizes.length; b++) {
            String prefix = name("dense" + (b + 1));
            for (int l = 0; l < blockSizes[b]; l++) {
                String layer = name(prefix, "layer" + (l + 1));
                String y = x;
                if (bc) {
                    y = bnReluConv(g, name(layer, "1"), y, 4 * k, 1, 1);
                }
                y = bnReluConv(g, name(layer, "2"), y, k, 3, 1);
                x = concat(g, name(layer, "concat"), x, y);
                channels += k;
            }
            if (b < blockSizes.length - 1) {
                String t = name("transition" + (b + 1));
                channels = bc ? channels / 2 : channels;
                x = bnReluConv(g, t, x, channels, 1, 1);
                x = pool(g, name(t, "avgpool"), x, PoolingType.AVG, 2, 2);
            }
        }
        x = bnRelu(g, "final", x);
        Blocks.classifier(g, x, request.numClasses());
        return g.build();
    }

}
