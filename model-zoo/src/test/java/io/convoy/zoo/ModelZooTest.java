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
import org.nd4j.linalg.learning.config.Sgd;

class ModelZooTest {

    static Stream<String> registered() {
        return ModelZoo.entries().keySet().stream();
    }

    static Stream<String> withPublishedCounts() {
        return ModelZoo.entries().values().stream().filter(e -> e.paperParams() > 0).map(ModelEntry::name);
    }

    private static ModelRequest reference(ModelEntry e) {
        return new ModelRequest(e.referenceInput(), e.referenceClasses(), 42, new Sgd(0.01), 1e-4);
    }

    @ParameterizedTest
    @MethodSource("withPublishedCounts")
    void parameterCountMatchesThePaper(String name) {
        ModelEntry entry = ModelZoo.entry(name);
        // the count is fixed by the configuration: count it without allocating the network
        long trainable = ParameterCounts.trainable(entry.build(reference(entry)), entry.referenceInput(),
                entry.paperCountsBatchNorm());
        // within 1%, or within the rounding of the published figure ("0.27M" covers 0.265M-0.275M)
        double tolerance = Math.max(0.01 * entry.paperParams(), entry.paperRounding() / 2.0);
        assertTrue(Math.abs(trainable - entry.paperParams()) <= tolerance,
                name + ": " + trainable + " trainable parameters vs the published " + entry.paperParams());
    }

    /** Every registered model builds, survives DL4J's JSON round trip, and runs forward and backward. */
    @ParameterizedTest
    @MethodSource("registered")
    void buildsRoundTripsAndTrains(String name) {
        ModelEntry entry = ModelZoo.entry(name);
        // ImageNet nets at 64x64 (they downsample 32x), everything with 5 classes, batch 2
        InputShape input = entry.referenceInput().height() > 32 ? new InputShape(3, 64, 64) : new InputShape(3, 32, 32);
        ModelRequest request = new ModelRequest(input, 5, 1, new Sgd(0.01), 0);
        var conf = entry.build(request);
        var again = org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf.getVertices().keySet(), again.getVertices().keySet());
        assertEquals(conf, again, "configuration survives JSON");
        assertTrue(Complexity.multiplyAdds(conf, input) > 0);
        if (ParameterCounts.trainable(conf, input) > 30_000_000 || conf.getVertices().size() > 2000) {
            return; // the JSON round trip is the check for the largest nets; fitting them takes minutes on 2 cores
        }
        ComputationGraph net = new ComputationGraph(again);
        net.init();
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, input.height(), input.width());
        INDArray labels = Nd4j.zeros(2, 5);
        labels.putScalar(0, 1, 1.0);
        labels.putScalar(1, 3, 1.0);
        INDArray before = net.params().dup();
        net.fit(new org.nd4j.linalg.dataset.DataSet(x, labels));
        assertTrue(Double.isFinite(net.score()), name + " loss " + net.score());
        assertTrue(!before.equals(net.params()), "a step changes the parameters");
        assertArrayEquals(new long[] {2, 5}, net.outputSingle(x).shape());
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
    void otherArchitectureParametersAreChecked() {
        assertTrue(assertThrows(UnknownModelException.class, () -> io.convoy.zoo.densenet.DenseNet.cifar(41, 12, false))
                .getMessage().contains("3n+4"));
        assertTrue(assertThrows(UnknownModelException.class, () -> io.convoy.zoo.densenet.DenseNet.cifar(40, 0, false))
                .getMessage().contains("growth rate"));
        assertTrue(assertThrows(UnknownModelException.class, () -> io.convoy.zoo.resnet.WideResNet.of(28, 10, 1.0))
                .getMessage().contains("[0, 1)"));
        assertTrue(assertThrows(UnknownModelException.class, () -> io.convoy.zoo.resnet.PreActResNet.bottleneck(165))
                .getMessage().contains("9n+2"));
    }

    @Test
    void shortcutOptionsAndPlainTwinsDifferOnlyWhereThePaperSays() {
        InputShape cifar = ModelEntry.CIFAR;
        ModelRequest r = ModelRequest.cifar10();
        long a = ParameterCounts.trainable(ModelZoo.build("resnet20", r), cifar);
        long b = ParameterCounts.trainable(ModelZoo.build("resnet20_b", r), cifar);
        long c = ParameterCounts.trainable(ModelZoo.build("resnet20_c", r), cifar);
        long plain = ParameterCounts.trainable(ModelZoo.build("plain20", r), cifar);
        assertEquals(a, plain, "option A and the plain net have the same parameters");
        // B: two projections (16->32, 32->64) with BN
        assertEquals(a + 16 * 32 + 2 * 32 + 32 * 64 + 2 * 64, b);
        assertTrue(c > b, "C projects every shortcut");
        assertFalse(ModelZoo.build("plain20", r).getVertices().keySet().stream().anyMatch(k -> k.endsWith(".add")));
    }

    @Test
    void identityMappingVariantsChangeOnlyWhatThePaperVaries() {
        InputShape cifar = ModelEntry.CIFAR;
        ModelRequest r = ModelRequest.cifar10();
        long original = ParameterCounts.trainable(ModelZoo.build("resnet20", r), cifar);
        // parameter-free variants keep the count
        assertEquals(original, ParameterCounts.trainable(ModelZoo.build("resnet20_constant_scaling", r), cifar));
        assertEquals(original, ParameterCounts.trainable(ModelZoo.build("resnet20_dropout_shortcut", r), cifar));
        // a gate is a 1x1 conv with bias on every identity shortcut: 7 per stage width minus the 2 that change shape
        long gates = 3 * (16 * 16 + 16) + 2 * (32 * 32 + 32) + 2 * (64 * 64 + 64);
        assertEquals(original + gates, ParameterCounts.trainable(ModelZoo.build("resnet20_exclusive_gating", r), cifar));
        assertEquals(original + gates, ParameterCounts.trainable(ModelZoo.build("resnet20_shortcut_only_gating", r), cifar));
        // BN after addition moves a BN. Full pre-activation drops the stem BN (-16 channels), adds the
        // final BN (+64), and normalises the two stage-entry units' inputs, not outputs (-16, -32): net zero
        assertEquals(original, ParameterCounts.trainable(ModelZoo.build("resnet20_bn_after_addition", r), cifar));
        assertEquals(original, ParameterCounts.trainable(ModelZoo.build("resnet20_full_preactivation", r), cifar));
        assertTrue(ModelZoo.build("resnet20_full_preactivation", r).getVertices().containsKey("final.bn"));
        assertThrows(UnknownModelException.class, () -> ModelZoo.validate("resnet20_sideways"));
    }

    @Test
    void gatesStartMostlyClosedAsConfigured() {
        ComputationGraph net = new ComputationGraph(ModelZoo.build("resnet20_exclusive_gating", ModelRequest.cifar10()));
        net.init();
        // b_g = -6: the gate starts near sigmoid(-6) = 0.0025, so the unit starts as an identity
        assertEquals(-6.0, net.getLayer("stage1.block2.gate").getParam("b").getDouble(0), 1e-9);
    }

    @Test
    void multiplyAddsOfResNet50MatchThePublishedFigure() {
        // He et al. 2016, Table 1: 3.8 x 10^9 FLOPs (multiply-adds) for ResNet-50 at 224x224
        ModelEntry e = ModelZoo.entry("resnet50");
        long madds = Complexity.multiplyAdds(e.build(reference(e)), ModelEntry.IMAGENET);
        assertTrue(Math.abs(madds - 4.1e9) < 0.15e9, "ResNet-50 v1.5 multiply-adds " + madds);
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
