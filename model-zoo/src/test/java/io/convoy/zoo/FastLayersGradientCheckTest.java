package io.convoy.zoo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.zoo.fast.AddReluVertex;
import io.convoy.zoo.fast.FastBatchNorm;
import io.convoy.zoo.fast.ZeroPadShortcutVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J gradient checks (double precision, training mode: batch statistics) of Convoy's fused layers
 * alone and composed as a residual unit: BatchNorm with and without its fused ReLU, in both running
 * variance parameterisations, the add + ReLU vertex with a convolution on each input, and the option-A
 * shortcut vertex (odd sizes, stride 1, channel counts not in a ratio of two).
 */
class FastLayersGradientCheckTest {
    @AfterEach
    void restoreFloat() {
        GradientChecks.restoreFloat();
    }

    @ParameterizedTest(name = "relu {0}, log10 std {1}, {2} images")
    @CsvSource({"false, true, 3", "true, true, 3", "true, false, 2", "false, false, 4"})
    void fastBatchNorm(boolean relu, boolean logStd, int images) {
        GradientChecks.useDouble();
        ComputationGraph net = GradientChecks.tinyGraph(5, 5, 4, 3, 3, g -> {
            g.addLayer("conv", conv(4), "in");
            FastBatchNorm bn = FastBatchNorm.create(relu);
            bn.setUseLogStd(logStd);
            // gamma and beta away from 1 and 0 so the ReLU mask cuts through the normalised values
            return g.addLayer("bn", bn, "conv");
        }, "bn");
        net.getLayer("bn").setParam("gamma", GradientChecks.input(3, 1, 4).addi(0.5));
        net.getLayer("bn").setParam("beta", GradientChecks.input(4, 1, 4).subi(0.5));
        INDArray x = GradientChecks.input(21, images, 3, 5, 4);
        assertTrue(GradientChecks.passes(net, x, GradientChecks.labels(images, 3)));
    }

    @ParameterizedTest(name = "seed {0}")
    @CsvSource({"1", "2"})
    void residualUnitWithAddRelu(long seed) {
        GradientChecks.useDouble();
        ComputationGraph net = GradientChecks.tinyGraph(seed, 4, 4, 2, 3, g -> {
            g.addLayer("c1", conv(3), "in");
            g.addLayer("b1", FastBatchNorm.create(true), "c1");
            g.addLayer("c2", conv(3), "b1");
            g.addLayer("b2", FastBatchNorm.create(false), "c2");
            g.addLayer("proj", conv(3), "in");
            return g.addVertex("add", new AddReluVertex(), "b2", "proj");
        }, "add");
        INDArray x = GradientChecks.input(30 + seed, 3, 2, 4, 4).subi(0.5);
        assertTrue(GradientChecks.passes(net, x, GradientChecks.labels(3, 3)));
    }

    @ParameterizedTest(name = "stride {0}, {1} -> {2} channels, {3}x{3}")
    @CsvSource({"2, 2, 4, 4", "2, 2, 5, 5", "1, 2, 3, 4", "2, 3, 3, 6"})
    void zeroPadShortcut(int stride, int in, int out, int size) {
        GradientChecks.useDouble();
        ComputationGraph net = GradientChecks.tinyGraph(9, size, size, 2, 3, g -> {
            g.addLayer("conv", conv(in), "in");
            g.addVertex("pad", new ZeroPadShortcutVertex(stride, out), "conv");
            // a convolution after the pad, so every output channel (zeros included) reaches the loss
            return g.addLayer("mix", conv(3), "pad");
        }, "mix");
        INDArray x = GradientChecks.input(40 + stride, 2, 2, size, size);
        assertTrue(GradientChecks.passes(net, x, GradientChecks.labels(2, 3)));
    }

    private static ConvolutionLayer conv(int channels) {
        return new ConvolutionLayer.Builder(3, 3).nOut(channels).hasBias(false).activation(Activation.IDENTITY).build();
    }
}
