package io.convoy.zoo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.zoo.fractalnet.FractalNet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
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

    /**
     * Every published count the issue lists is in the registry, with the figure and rounding the source
     * states, so that {@link #parameterCountMatchesThePaper} checks it.
     */
    @Test
    void everyPublishedCountIsRegisteredWithItsRounding() {
        Map<String, String> published = new LinkedHashMap<>();
        // He et al. 2016, Table 6: rounded to 0.01M below 1M, to 0.1M above
        published.put("resnet20", "0.27M (rounded to 0.01M)");
        published.put("resnet32", "0.46M (rounded to 0.01M)");
        published.put("resnet44", "0.66M (rounded to 0.01M)");
        published.put("resnet56", "0.85M (rounded to 0.01M)");
        published.put("resnet110", "1.7M (rounded to 0.1M)");
        published.put("resnet1202", "19.4M (rounded to 0.1M)");
        // He et al. 2016b, Table 3; the 10.2M of ResNet-1001 counts weights without BatchNorm's scale and shift
        published.put("preact_resnet164", "1.7M (rounded to 0.1M)");
        published.put("preact_resnet1001", "10.2M (rounded to 0.1M), weights only");
        // Zagoruyko and Komodakis 2016, Table 4
        published.put("wrn_16_8", "11.0M (rounded to 0.1M)");
        published.put("wrn_28_10", "36.5M (rounded to 0.1M)");
        // Huang et al. 2017, Table 2
        published.put("densenet_40_12", "1.0M (rounded to 0.1M)");
        published.put("densenet_100_12", "7.0M (rounded to 0.1M)");
        published.put("densenet_100_24", "27.2M (rounded to 0.1M)");
        published.put("densenet_bc_100_12", "0.8M (rounded to 0.1M)");
        published.put("densenet_bc_250_24", "15.3M (rounded to 0.1M)");
        published.put("densenet_bc_190_40", "25.6M (rounded to 0.1M)");
        // ImageNet nets: torchvision's exact counts (the papers give none, or FLOPs only)
        published.put("resnet18", "11,689,512 (exact)");
        published.put("resnet34", "21,797,672 (exact)");
        published.put("resnet50", "25,557,032 (exact)");
        published.put("resnet101", "44,549,160 (exact)");
        published.put("resnet152", "60,192,808 (exact)");
        published.put("densenet121", "7,978,856 (exact)");
        published.put("densenet169", "14,149,480 (exact)");
        published.put("densenet201", "20,013,928 (exact)");
        published.put("densenet161", "28,681,000 (exact)");
        // Larsson et al. 2017, Table 1
        published.put("fractalnet_20", "38.6M (rounded to 0.1M)");
        Set<String> checked = withPublishedCounts().collect(Collectors.toSet());
        published.forEach((name, figure) -> {
            assertTrue(checked.contains(name), name + " has no published count in the registry");
            assertEquals(figure, ModelZoo.entry(name).publishedFigure(), name);
        });
    }

    /**
     * Every registered model builds, survives DL4J's JSON round trip, runs forward and backward, and
     * gives the same inference output twice. Large entries train at a reduced width (same depth and
     * structure), halved until they have at most 200k parameters, so the whole registry runs in CI.
     */
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
        long full = ParameterCounts.trainable(conf, input);
        double width = 1.0;
        while (ParameterCounts.trainable(conf, input) > 200_000) {
            width /= 2;
            conf = entry.build(request.withWidthMultiplier(width));
            assertEquals(layerNames(again), layerNames(conf), "width keeps the layers");
        }
        assertTrue(width == 1.0 || ParameterCounts.trainable(conf, input) < full, "a narrower net has fewer parameters");
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, input.height(), input.width());
        INDArray labels = Nd4j.zeros(2, 5);
        labels.putScalar(0, 1, 1.0);
        labels.putScalar(1, 3, 1.0);
        INDArray before = net.params().dup();
        net.fit(new org.nd4j.linalg.dataset.DataSet(x, labels));
        assertTrue(Double.isFinite(net.score()), name + " loss " + net.score());
        assertTrue(!before.equals(net.params()), "a step changes the parameters");
        INDArray out = net.outputSingle(false, x).dup();
        assertArrayEquals(new long[] {2, 5}, out.shape());
        // bit for bit (after one step on random data the deepest plain nets overflow in inference, where
        // BatchNorm's running statistics are still near their initial 0 and 1: NaN must then repeat too)
        assertArrayEquals(out.ravel().toDoubleVector(), net.outputSingle(false, x).ravel().toDoubleVector(), "inference is deterministic");
    }

    private static Set<String> layerNames(org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf) {
        return conf.getVertices().entrySet().stream()
                .filter(e -> e.getValue() instanceof org.deeplearning4j.nn.conf.graph.LayerVertex)
                .map(Map.Entry::getKey).collect(Collectors.toSet());
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
    void aNewResidualVariantIsOneCompositionOfTheUnitTypes() {
        // what a family registration's builder needs: a stem, stage widths, units per stage and a unit type; here
        // CIFAR ResNet-20's layout with bottleneck units (projection shortcuts), as no paper table has it
        io.convoy.zoo.resnet.ResidualNet variant = io.convoy.zoo.resnet.ResidualNet.of(
                io.convoy.zoo.resnet.ResidualNet.Stem.CIFAR, io.convoy.zoo.resnet.ResidualNet.cifarWidths(), 3,
                new io.convoy.zoo.resnet.ResidualUnit.Bottleneck(io.convoy.zoo.resnet.Shortcut.B));
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration conf = variant.build(ModelRequest.cifar10());
        long params = ParameterCounts.trainable(conf, ModelEntry.CIFAR);
        long basic = ParameterCounts.trainable(ModelZoo.build("resnet20_b", ModelRequest.cifar10()), ModelEntry.CIFAR);
        assertTrue(params > basic, "bottlenecks of 4x expansion carry more weights: " + params + " vs " + basic);
        assertEquals(conf.toJson(), variant.build(ModelRequest.cifar10()).toJson(), "deterministic");
    }

    @Test
    void unknownNameListsEveryFamilyPatternAsItsFamilyDeclaresIt() {
        String message = assertThrows(UnknownModelException.class, () -> ModelZoo.validate("resnet")).getMessage();
        for (String form : List.of("resnet<depth>[_a|_b|_c] for any depth 6n+2", "plain<depth> (6n+2)",
                "resnet<depth>_stochastic_depth", "wrn_<depth>_<k>[_dropout]", "densenet[_bc]_<depth>_<k>",
                "fractalnet_b<B>_c<C>[_as_released]")) {
            assertTrue(message.contains(form), form + " in: " + message);
        }
        // and a name of each form is one the zoo builds
        for (String name : List.of("resnet14_b", "plain8", "resnet14_stochastic_depth", "wrn_10_2_dropout",
                "densenet_bc_40_12", "fractalnet_b2_c2_as_released", "resnet14_conv_shortcut")) {
            ModelZoo.validate(name);
        }
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
    void multiplyAddsCountConvolutionsAndTheClassifierOnly() {
        // ResNet-20 by hand: stem 27*16*32*32 + 6 * 9*16*16*32*32 + (9*16*32 + 5 * 9*32*32) * 16*16
        //                    + (9*32*64 + 5 * 9*64*64) * 8*8 + 64*10; BatchNorm and the shortcuts add none
        long madds = Complexity.multiplyAdds(ModelZoo.build("resnet20", ModelRequest.cifar10()), ModelEntry.CIFAR);
        assertEquals(40_551_040L, madds);
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

    /** Counts worked out by hand, for the entries without a published figure and for the width multiplier. */
    @ParameterizedTest(name = "{0} at width {2}")
    @CsvSource({
            // C1 6*(1*25+1), C3 16*(6*25+1), F5 120*(16*4*4+1), F6 84*(120+1), 10*(84+1)
            "lenet5, 1x28x28, 1.0, 44426",
            // C1 6*(3*25+1), F5 120*(16*5*5+1)
            "lenet5, 3x32x32, 1.0, 62006",
            // 3x3 convs 9,217,728 + BatchNorm 2*2,752 + classifier 512*10+10
            "vgg11_cifar, 3x32x32, 1.0, 9228362",
            // 3x3 convs 14,710,464 + BatchNorm 2*4,224 + classifier 5,130
            "vgg16_cifar, 3x32x32, 1.0, 14724042",
            // the authors' generator: 9*(3 c_in c + 4 c^2) per block = 33,698,880, BatchNorm 20,608, classifier 5,130
            "fractalnet_20_as_released, 3x32x32, 1.0, 33724618",
            // 9*7*sum(c^2) = 38,449,152, projections 172,224, BatchNorm 22,528, classifier 5,130
            "fractalnet_20, 3x32x32, 1.0, 38649034",
            "fractalnet_20_plain, 3x32x32, 1.0, 38649034",
            "fractalnet_20_deepest, 3x32x32, 1.0, 38649034",
            // widths 4/8/16: convs 108 + 864 + 3,168 + 12,672, BatchNorm 2*172, classifier 16*10+10
            "resnet20, 3x32x32, 0.25, 17326",
            // widths 1/2/4: convs 27 + 54 + 198 + 792, BatchNorm 2*43, classifier 4*10+10
            "resnet20, 3x32x32, 0.0625, 1207"})
    void handCountedParameters(String name, String shape, double width, long expected) {
        String[] p = shape.split("x");
        InputShape input = new InputShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
        ModelRequest r = new ModelRequest(input, 10, 1, new Sgd(0.1), 0, width);
        assertEquals(expected, ParameterCounts.trainable(ModelZoo.build(name, r), input), name);
    }

    @Test
    void widthMultiplierScalesEveryFamilyAndRoundsAsDocumented() {
        ModelRequest r = ModelRequest.cifar10();
        assertEquals(1.0, r.widthMultiplier());
        assertEquals(16, r.channels(16));
        assertEquals(4, r.withWidthMultiplier(0.25).channels(16));
        assertEquals(3, r.withWidthMultiplier(0.15625).channels(16), "2.5 rounds up");
        assertEquals(1, r.withWidthMultiplier(0.001).channels(16), "never below one channel");
        assertEquals(24, r.withWidthMultiplier(1.5).channels(16), "widening works too");
        // option A between rounded widths 1/3/5: two zero copies for 1 -> 3, a copy cut to 2 channels for 3 -> 5
        // (DL4J's vertices: the fast path's ZeroPadShortcutVertex pads any count in one vertex)
        System.setProperty(io.convoy.zoo.fast.FastPath.ZERO_PAD_SHORTCUT, "false");
        org.deeplearning4j.nn.conf.ComputationGraphConfiguration odd;
        try {
            odd = ModelZoo.build("resnet8", r.withWidthMultiplier(0.08));
        } finally {
            System.clearProperty(io.convoy.zoo.fast.FastPath.ZERO_PAD_SHORTCUT);
        }
        assertTrue(odd.getVertices().containsKey("stage2.block1.shortcut.zeros2"));
        assertTrue(odd.getVertices().containsKey("stage3.block1.shortcut.zeros.cut"));
        assertEquals(odd, org.deeplearning4j.nn.conf.ComputationGraphConfiguration.fromJson(odd.toJson()));
        // every registered entry gets narrower, at the same depth
        for (ModelEntry e : ModelZoo.entries().values()) {
            ModelRequest ref = new ModelRequest(e.referenceInput(), e.referenceClasses(), 1, new Sgd(0.1), 0);
            var full = e.build(ref);
            var narrow = e.build(ref.withWidthMultiplier(0.25));
            long a = ParameterCounts.trainable(full, e.referenceInput());
            long b = ParameterCounts.trainable(narrow, e.referenceInput());
            assertTrue(b < a / 4, e.name() + ": " + a + " at width 1, " + b + " at width 0.25");
            assertEquals(layerNames(full), layerNames(narrow), e.name() + " keeps its layers");
        }
    }

    static Stream<Arguments> badConfigurations() {
        ModelRequest r = ModelRequest.cifar10();
        return Stream.of(
                bad("resnet21", () -> ModelZoo.validate("resnet21"), "6n+2", "21"),
                bad("plain22", () -> ModelZoo.validate("plain22"), "6n+2", "22"),
                bad("densenet_41_12", () -> ModelZoo.validate("densenet_41_12"), "3n+4", "41"),
                bad("densenet_bc_43_12", () -> ModelZoo.validate("densenet_bc_43_12"), "6n+4", "43"),
                bad("densenet_40_0", () -> ModelZoo.validate("densenet_40_0"), "growth rate must be > 0", "0"),
                bad("wrn_27_10", () -> ModelZoo.validate("wrn_27_10"), "6n+4", "27"),
                bad("wrn_28_0", () -> ModelZoo.validate("wrn_28_0"), ">= 1", "0"),
                bad("preact bottleneck 165", () -> io.convoy.zoo.resnet.PreActResNet.bottleneck(165), "9n+2", "165"),
                bad("fractalnet_b6_c3", () -> ModelZoo.validate("fractalnet_b6_c3"), "1..5", "6"),
                bad("fractalnet_b5_c7", () -> ModelZoo.validate("fractalnet_b5_c7"), "1..6", "7"),
                bad("local drop-path 1", () -> FractalNet.of(5, 3, 1.0, 0.5, true), "[0, 1)", "1.0"),
                bad("local drop-path < 0", () -> FractalNet.of(5, 3, -0.1, 0.5, true), "[0, 1)", "-0.1"),
                bad("global ratio 1.5", () -> FractalNet.of(5, 3, 0.15, 1.5, true), "[0, 1]", "1.5"),
                bad("fractal column 4 of 3", () -> FractalNet.of(5, 3, 0.15, 0.5, true).build(r, 4), "1..3", "4"),
                bad("fractal input 16x16", () -> ModelZoo.build("fractalnet_20", new ModelRequest(new InputShape(3, 16, 16),
                        10, 1, new Sgd(0.1), 0)), "32x32", "3x16x16"),
                bad("stochastic depth p_L 0", () -> io.convoy.zoo.resnet.CifarResNet.of(20).withStochasticDepth(0), "(0, 1]", "0.0"),
                bad("survival 1.5", () -> new io.convoy.zoo.vertex.StochasticDepthVertex(1.5, 1), "(0, 1]", "1.5"),
                bad("WRN dropout 1", () -> io.convoy.zoo.resnet.WideResNet.of(28, 10, 1.0), "[0, 1)", "1.0"),
                bad("width 0", () -> r.withWidthMultiplier(0), "> 0", "0.0"),
                bad("width -1", () -> r.withWidthMultiplier(-1), "> 0", "-1.0"),
                bad("width NaN", () -> r.withWidthMultiplier(Double.NaN), "> 0", "NaN"),
                bad("one class", () -> new ModelRequest(ModelEntry.CIFAR, 1, 1, new Sgd(0.1), 0), "at least 2", "1"),
                bad("weight decay < 0", () -> new ModelRequest(ModelEntry.CIFAR, 10, 1, new Sgd(0.1), -1e-4), ">= 0", "-1.0E-4"),
                bad("lenet 10x10", () -> ModelZoo.build("lenet5", new ModelRequest(new InputShape(1, 10, 10), 10, 1,
                        new Sgd(0.1), 0)), "14x14", "1x10x10"),
                bad("vgg 16x16", () -> ModelZoo.build("vgg16_cifar", new ModelRequest(new InputShape(3, 16, 16), 10, 1,
                        new Sgd(0.1), 0)), "32x32", "3x16x16"));
    }

    private static Arguments bad(String what, org.junit.jupiter.api.function.Executable action, String rule, String value) {
        return Arguments.of(what, action, rule, value);
    }

    /** Bad configuration is refused with a message naming the value and what is allowed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("badConfigurations")
    void badConfigurationIsRefusedNamingValueAndRule(String what, org.junit.jupiter.api.function.Executable action,
                                                      String rule, String value) {
        UnknownModelException e = assertThrows(UnknownModelException.class, action);
        assertTrue(e.getMessage().contains(rule), what + ": the rule '" + rule + "' in: " + e.getMessage());
        assertTrue(e.getMessage().contains("got " + value), what + ": the value '" + value + "' in: " + e.getMessage());
    }
}
