package io.convoy.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class ModelZooTest {

    /** Registered models small enough to instantiate in a unit test (ResNet-1202 has 19M parameters). */
    static Stream<String> buildableModels() {
        return ModelZoo.entries().values().stream()
                .filter(e -> e.paperParams() <= 2_000_000)
                .map(ModelEntry::name);
    }

    @ParameterizedTest
    @MethodSource("buildableModels")
    void parameterCountMatchesThePaper(String name) {
        ModelEntry entry = ModelZoo.entry(name);
        ComputationGraph net = new ComputationGraph(entry.build(ModelRequest.cifar10()));
        net.init();
        long trainable = ParameterCounts.trainable(net);
        double relative = Math.abs(trainable - entry.paperParams()) / (double) entry.paperParams();
        // the paper rounds to two significant figures
        assertTrue(relative < 0.03, name + ": " + trainable + " trainable parameters vs the paper's " + entry.paperParams());
    }

    @Test
    void resnet20HasTheExactOptionACount() {
        ComputationGraph net = new ComputationGraph(ModelZoo.build("resnet20", ModelRequest.cifar10()));
        net.init();
        // 19 bias-free 3x3 convs (267,696) + 19 BNs (gamma, beta: 1,376) + FC 64*10+10 (650)
        assertEquals(269_722, ParameterCounts.trainable(net));
    }

    @ParameterizedTest
    @ValueSource(strings = {"resnet8", "resnet20"})
    void forwardAndBackwardOnOtherInputShapes(String name) {
        ModelRequest mnist = new ModelRequest(new InputShape(1, 28, 28), 7, 1, new org.nd4j.linalg.learning.config.Sgd(0.01), 0);
        ComputationGraph net = new ComputationGraph(ModelZoo.build(name, mnist));
        net.init();
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 4, 1, 28, 28);
        INDArray out = net.outputSingle(x);
        assertArrayEquals(new long[] {4, 7}, out.shape());
        assertEquals(4.0, out.sumNumber().doubleValue(), 1e-4, "softmax rows sum to one");
        INDArray labels = Nd4j.zeros(4, 7);
        for (int i = 0; i < 4; i++) {
            labels.putScalar(i, i % 7, 1.0);
        }
        double before = net.score(new org.nd4j.linalg.dataset.DataSet(x, labels));
        for (int i = 0; i < 10; i++) {
            net.fit(new org.nd4j.linalg.dataset.DataSet(x, labels));
        }
        double after = net.score(new org.nd4j.linalg.dataset.DataSet(x, labels));
        assertTrue(after < before, "loss on a fixed batch falls: " + before + " -> " + after);
    }

    @Test
    void depthNotSixNPlusTwoIsRejectedWithTheRule() {
        UnknownModelException e = assertThrows(UnknownModelException.class, () -> ModelZoo.validate("resnet21"));
        assertTrue(e.getMessage().contains("6n+2") && e.getMessage().contains("21"), e.getMessage());
    }

    @Test
    void unknownNameListsTheValidOnes() {
        UnknownModelException e = assertThrows(UnknownModelException.class, () -> ModelZoo.validate("vgg16"));
        assertTrue(e.getMessage().contains("vgg16") && e.getMessage().contains("resnet20")
                && e.getMessage().contains("resnet110"), e.getMessage());
    }

    @Test
    void vertexNamesFollowTheStageBlockScheme() {
        var conf = ModelZoo.build("resnet8", ModelRequest.cifar10());
        assertTrue(conf.getVertices().containsKey("stage2.block1.1.conv"));
        assertTrue(conf.getVertices().containsKey("stage3.block1.shortcut.pad"));
        assertFalse(conf.getVertices().containsKey("stage2.block2.1.conv"), "resnet8 has one block per stage");
    }

    @Test
    void oneDnnHelpersAreActiveOnConvolutions() {
        // Surefire runs with -Dorg.eclipse.deeplearning4j.helpers.disable=false, as the launcher does.
        ComputationGraph net = new ComputationGraph(ModelZoo.build("resnet8", ModelRequest.cifar10()));
        net.init();
        net.outputSingle(Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 32, 32));
        ConvolutionLayer conv = (ConvolutionLayer) net.getLayer("stem.conv");
        assertTrue(conv.getHelper() != null && conv.getHelper().getClass().getSimpleName().startsWith("MKLDNN"),
                "convolution helper: " + conv.getHelper());
    }
}
