package io.convoy.zoo.resnet;

import static io.convoy.zoo.Blocks.bnRelu;
import static io.convoy.zoo.Blocks.conv;
import static io.convoy.zoo.Blocks.convBnRelu;
import static io.convoy.zoo.Blocks.pool;
import static io.convoy.zoo.VertexNames.block;
import static io.convoy.zoo.VertexNames.name;
import static io.convoy.zoo.VertexNames.stage;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.ModelRequest;
import java.util.Arrays;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/**
 * The one stage builder of the residual families (torchvision's {@code _make_layer} loop): a stem, stages
 * of units with the given widths (the first unit of every stage after the first has stride 2), global
 * average pooling and a softmax classifier. A {@link ResidualUnit#preActivation() pre-activation} unit
 * gets a bare convolution as stem and a final BN-ReLU before pooling; any other a conv-BN-ReLU stem.
 *
 * @param stageWidths   the published width of each stage; a unit's output has width x expansion channels
 * @param unitsPerStage the number of units of each stage
 * @param lastSurvival  survival probability p_L of the last unit's branch under stochastic depth (Huang et
 *                      al. 2016; unit l of L survives with 1 - l/L (1 - p_L)), or 1 for none
 */
public record ResidualNet(Stem stem, int[] stageWidths, int[] unitsPerStage, ResidualUnit unit, double lastSurvival) {
    /** The CIFAR nets' stage widths (He et al. 2016, section 4.2); Wide ResNets multiply them by k. */
    static final int[] CIFAR_WIDTHS = {16, 32, 64};

    /** {@link #CIFAR_WIDTHS}, a copy to build a new variant with. */
    public static int[] cifarWidths() {
        return CIFAR_WIDTHS.clone();
    }
    /** The ImageNet nets' stage widths (He et al. 2016, Table 1). */
    static final int[] IMAGENET_WIDTHS = {64, 128, 256, 512};

    /**
     * The first convolution, with its published channel count, optionally followed by a 3x3/2 max pool.
     */
    public record Stem(int channels, int kernel, int stride, boolean maxPool) {
        /** CIFAR: a 3x3 convolution with 16 filters. */
        public static final Stem CIFAR = new Stem(16, 3, 1, false);
        /** ImageNet: a 7x7/2 convolution with 64 filters and a 3x3/2 max pool. */
        public static final Stem IMAGENET = new Stem(64, 7, 2, true);
    }

    /** A net of {@code stages} stages of {@code units} units each, without stochastic depth. */
    public static ResidualNet of(Stem stem, int[] stageWidths, int units, ResidualUnit unit) {
        int[] perStage = new int[stageWidths.length];
        Arrays.fill(perStage, units);
        return new ResidualNet(stem, stageWidths, perStage, unit, 1.0);
    }

    public ResidualNet withStochasticDepth(double pL) {
        return new ResidualNet(stem, stageWidths, unitsPerStage, unit, pL);
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        GraphBuilder g = Blocks.graph(request);
        int[] widths = request.widths(stageWidths);
        int channels = request.channels(stem.channels());
        String x = unit.preActivation() ? conv(g, name("stem", "conv"), "input", channels, stem.kernel(), stem.stride())
                : convBnRelu(g, "stem", "input", channels, stem.kernel(), stem.stride());
        if (stem.maxPool()) {
            x = pool(g, name("stem", "maxpool"), x, PoolingType.MAX, 3, 2);
        }
        int total = Arrays.stream(unitsPerStage).sum();
        int l = 0;
        for (int s = 0; s < widths.length; s++) {
            int out = widths[s] * unit.expansion();
            for (int b = 0; b < unitsPerStage[s]; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                l++;
                double survival = 1.0 - (double) l / total * (1.0 - lastSurvival);
                x = unit.append(g, new ResidualUnit.Site(name(stage(s + 1), block(b + 1)), x, channels, widths[s], out,
                        stride, survival, request.seed()));
                channels = out;
            }
        }
        if (unit.preActivation()) {
            x = bnRelu(g, "final", x);
        }
        Blocks.classifier(g, x, request.numClasses());
        return g.build();
    }
}
