package io.convoy.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.zoo.vertex.StochasticDepthVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class StochasticDepthVertexTest {
    private static final double P = 0.5;

    @AfterEach
    void restoreFloat() {
        GradientChecks.restoreFloat();
    }

    /** conv -> stochastic depth -> + shortcut -> pool -> softmax, in double precision for gradient checks. */
    private static ComputationGraph tinyResidual(long seed) {
        return GradientChecks.tinyGraph(7, 5, 5, 2, 3, g -> g
                .addLayer("conv", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(), "in")
                .addVertex("sd", new StochasticDepthVertex(P, seed), "conv")
                .addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), "sd", "in"), "add");
    }

    /** A seed whose draw at iteration 0 for the vertex at index 2 is the given decision. */
    private static long seedFor(boolean survive) {
        for (long s = 0; ; s++) {
            if (StochasticDepthVertex.survives(s, 2, 0, P) == survive) {
                return s;
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void gradientsAreRightWhetherTheBranchSurvivesOrNot(boolean survive) {
        GradientChecks.useDouble();
        ComputationGraph net = tinyResidual(seedFor(survive));
        assertEquals(2, net.getVertex("sd").getVertexIndex(), "the seed search assumes this vertex index");
        INDArray x = GradientChecks.input(5, 3, 2, 5, 5);
        INDArray y = GradientChecks.labels(3, 3);
        assertTrue(GradientChecks.passes(net, x, y), "gradient check, branch " + (survive ? "kept" : "dropped"));
        // a dropped branch passes no gradient to the convolution
        net.setInputs(x);
        net.setLabels(y);
        net.computeGradientAndScore();
        double convGradient = net.gradient().getGradientFor("conv_W").norm2Number().doubleValue();
        assertEquals(!survive, convGradient == 0.0, "conv weight gradient " + convGradient);
    }

    @Test
    void inferenceScalesTheBranchAndIsDeterministic() {
        GradientChecks.useDouble();
        ComputationGraph net = tinyResidual(1);
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 5, 5);
        INDArray conv = net.feedForward(x, false).get("conv");
        INDArray sd = net.feedForward(x, false).get("sd");
        assertEquals(0.0, conv.mul(P).sub(sd).norm2Number().doubleValue(), 1e-12);
        assertEquals(net.outputSingle(false, x), net.outputSingle(false, x));
    }

    @Test
    void drawsFollowTheSurvivalProbabilityAndVaryByIteration() {
        int kept = 0;
        for (int it = 0; it < 10_000; it++) {
            kept += StochasticDepthVertex.survives(42, 5, it, 0.7) ? 1 : 0;
        }
        assertEquals(0.7, kept / 10_000.0, 0.02);
        assertThrows(IllegalArgumentException.class, () -> new StochasticDepthVertex(0.0, 1));
        assertNotEquals(new StochasticDepthVertex(0.5, 1), new StochasticDepthVertex(0.5, 2));
    }

    @Test
    void survivalDecaysLinearlyToPLAndSerialisesWithTheModel() {
        ComputationGraphConfiguration conf = ModelZoo.build("resnet20_stochastic_depth", ModelRequest.cifar10());
        var first = (StochasticDepthVertex) conf.getVertices().get("stage1.block1.stochastic_depth");
        var last = (StochasticDepthVertex) conf.getVertices().get("stage3.block3.stochastic_depth");
        assertEquals(1 - 1.0 / 9 * 0.5, first.getSurvivalProbability(), 1e-12);
        assertEquals(0.5, last.getSurvivalProbability(), 1e-12);
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
    }
}
