package io.convoy.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.zoo.resnet.IdentityMappingResNet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.learning.config.NoOp;

/**
 * Gradient checks through the constructs the zoo composes from DL4J's parameter-free vertices and its
 * own vertices, on real zoo entries at a tiny width (a few hundred parameters, 8x8 input), in training
 * mode with BatchNorm on batch statistics: the option-A zero-pad shortcut (subsample, zero-scaled copies,
 * a channel cut where rounded widths are not in a ratio of two, concatenation), constant scaling,
 * exclusive and shortcut-only gating (1 - sigmoid, products), the dropout shortcut, stochastic depth in
 * a ResNet, drop-path joins with 1x1 entry projections and block dropout in a FractalNet, DenseNet-BC
 * concatenations with compression, and a Wide ResNet's pre-activation projection with dropout.
 * DL4J's graph gradient check tries every parameter (its {@code subset} option applies to
 * MultiLayerNetworks only), so the nets are kept to a few hundred parameters.
 */
class ComposedGradientCheckTest {
    @AfterEach
    void restoreFloat() {
        GradientChecks.restoreFloat();
    }

    private static ComputationGraph tinyNet(String name, double width, long seed) {
        ModelRequest request = new ModelRequest(new InputShape(3, 8, 8), 3, seed, new NoOp(), 0, width);
        return GradientChecks.network(ModelZoo.build(name, request));
    }

    @ParameterizedTest(name = "{0} at width {1}")
    @CsvSource({
            // option A with widths 1/2/4: each pad is one zero-scaled copy, as in the published nets
            "resnet8, 0.0625",
            // option A with rounded widths 1/3/5: the 1 -> 3 pad needs two whole copies, the 3 -> 5 pad
            // one copy cut to two channels
            "resnet8, 0.08",
            "resnet8_constant_scaling, 0.0625",
            // the registered gating nets start with gate bias -6 (gates nearly closed); see also below
            "resnet8_exclusive_gating, 0.0625",
            "resnet8_dropout_shortcut, 0.0625",
            "resnet8_stochastic_depth, 0.0625",
            "fractalnet_b2_c2, 0.03",
            "densenet_bc_10_12, 0.0625",
            "wrn_10_1_dropout, 0.0625"})
    void gradientsAreRightThroughTheComposedConstructs(String name, double width) {
        GradientChecks.useDouble();
        ComputationGraph net = tinyNet(name, width, 1);
        assertTrue(net.numParams() < 1_500, name + " should be tiny here: " + net.numParams());
        INDArray x = GradientChecks.input(11, 2, 3, 8, 8);
        assertTrue(GradientChecks.passes(net, x, GradientChecks.labels(2, 3)), name + " at width " + width);
    }

    /** The same constructs from DL4J's own layers and vertices (every fast-path switch off), as before. */
    @ParameterizedTest(name = "{0} at width {1}, DL4J layers")
    @CsvSource({"resnet8, 0.0625", "resnet8, 0.08", "wrn_10_1_dropout, 0.0625"})
    void gradientsAreRightWithDl4jsOwnLayers(String name, double width) {
        String[] switches = {io.convoy.zoo.fast.FastPath.BATCHNORM, io.convoy.zoo.fast.FastPath.ADD_RELU,
                io.convoy.zoo.fast.FastPath.ZERO_PAD_SHORTCUT, io.convoy.zoo.fast.FastPath.CACHE_MODE};
        for (String s : switches) {
            System.setProperty(s, "false");
        }
        try {
            gradientsAreRightThroughTheComposedConstructs(name, width);
        } finally {
            for (String s : switches) {
                System.clearProperty(s);
            }
        }
    }

    /**
     * Gating with the gate bias b_g as a parameter: at b_g = 0 the gates sit at sigmoid(0) = 1/2, where the
     * gradient through 1 - g(x) and g(x) is largest, so errors in the gating path cannot hide below the
     * check's absolute tolerance as they could at b_g = -6.
     */
    @ParameterizedTest
    @CsvSource({"EXCLUSIVE_GATING, 0", "SHORTCUT_ONLY_GATING, 0", "SHORTCUT_ONLY_GATING, -6"})
    void gradientsAreRightThroughGatesWithAnyBias(IdentityMappingResNet.ShortcutVariant gating, double gateBias) {
        GradientChecks.useDouble();
        ModelRequest request = new ModelRequest(new InputShape(3, 8, 8), 3, 1, new NoOp(), 0, 0.0625);
        ComputationGraph net = GradientChecks.network(IdentityMappingResNet.of(8, gating,
                IdentityMappingResNet.UnitOrder.ORIGINAL, gateBias).build(request));
        assertEquals(gateBias, net.getLayer("stage1.block1.gate").getParam("b").getDouble(0), 1e-12);
        INDArray x = GradientChecks.input(11, 2, 3, 8, 8);
        assertTrue(GradientChecks.passes(net, x, GradientChecks.labels(2, 3)), gating + " with b_g = " + gateBias);
    }

    /** Stochastic depth with both decisions: a seed under which some residual branch is dropped at iteration 0. */
    @Test
    void gradientsAreRightWithADroppedResidualBranch() {
        GradientChecks.useDouble();
        for (long seed = 1; seed < 50; seed++) {
            ComputationGraph net = tinyNet("resnet8_stochastic_depth", 0.0625, seed);
            INDArray x = GradientChecks.input(11, 2, 3, 8, 8);
            net.setInputs(x);
            net.setLabels(GradientChecks.labels(2, 3));
            net.computeGradientAndScore();
            // the last unit survives with probability 1/2: with its branch dropped, its convolutions get no gradient
            double g = net.gradient().getGradientFor("stage3.block1.2.conv_W").norm2Number().doubleValue();
            if (g == 0.0) {
                assertTrue(GradientChecks.passes(net, x, GradientChecks.labels(2, 3)), "seed " + seed);
                return;
            }
        }
        throw new AssertionError("no seed in 1..49 drops the last residual branch at iteration 0");
    }

    /** The gate bias is a parameter of the entry: b_g initialises every gate's bias. */
    @ParameterizedTest
    @ValueSource(strings = {"resnet8_exclusive_gating", "resnet8_shortcut_only_gating"})
    void gatesStartWithTheConfiguredBias(String name) {
        ComputationGraph net = tinyNet(name, 0.25, 1);
        INDArray bias = net.getLayer("stage1.block1.gate").getParam("b");
        assertEquals(4, bias.length(), "one gate per channel at width 0.25");
        assertEquals(-6.0, bias.minNumber().doubleValue(), 1e-12);
        assertEquals(-6.0, bias.maxNumber().doubleValue(), 1e-12);
    }

    /**
     * In inference every stochastic construct is deterministic: the same input gives the same output
     * twice, also after training-mode passes (which draw) in between.
     */
    @ParameterizedTest
    @ValueSource(strings = {"resnet8_stochastic_depth", "fractalnet_b2_c3", "resnet8_dropout_shortcut",
            "wrn_10_1_dropout", "fractalnet_b2_c2_as_released"})
    void inferenceIsDeterministic(String name) {
        ComputationGraph net = tinyNet(name, 0.125, 3);
        INDArray x = GradientChecks.input(5, 4, 3, 8, 8).castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT);
        INDArray first = net.outputSingle(false, x).dup();
        for (int it = 0; it < 3; it++) {
            net.getConfiguration().setIterationCount(it);
            net.feedForward(x, true);
        }
        assertEquals(first, net.outputSingle(false, x));
        assertEquals(first, net.outputSingle(false, x));
    }
}
