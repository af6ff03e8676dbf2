package io.convoy.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.zoo.InputShape;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import java.util.Map;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;

/**
 * Every family built with Convoy's fast path (the default) computes what the same family built from
 * DL4J's own layers computes: parameters copied by name, the outputs, the loss and every parameter
 * gradient agree in float, and after three Nesterov steps (in double) so do the parameters and running
 * statistics.
 * And the cache mode really saves the second forward convolution.
 */
class FastPathZooTest {
    private static final String[] SWITCHES = {FastPath.CACHE_MODE, FastPath.BATCHNORM, FastPath.FUSE_RELU,
            FastPath.ADD_RELU, FastPath.ZERO_PAD_SHORTCUT};

    @AfterEach
    void clearAll() {
        clearSwitches();
    }

    private static void clearSwitches() {
        for (String s : SWITCHES) {
            System.clearProperty(s);
        }
    }

    private static ComputationGraph build(String model, double width, boolean fast) {
        for (String s : SWITCHES) {
            System.setProperty(s, Boolean.toString(fast));
        }
        try {
            ModelRequest request = new ModelRequest(new InputShape(3, 12, 12), 5, 3, new Nesterovs(0.05, 0.9), 1e-4, width);
            ComputationGraph net = new ComputationGraph(ModelZoo.build(model, request));
            net.init();
            return net;
        } finally {
            clearSwitches();
        }
    }

    private static MultiDataSet data(long seed) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(Nd4j.defaultFloatingPointType(), 6, 3, 12, 12);
        INDArray y = Nd4j.zeros(Nd4j.defaultFloatingPointType(), 6, 5);
        for (int i = 0; i < 6; i++) {
            y.putScalar(i, (i + seed) % 5, 1f);
        }
        return new MultiDataSet(x, y);
    }

    @ParameterizedTest(name = "{0} at width {1}")
    @CsvSource({"resnet8, 0.5", "resnet14_b, 0.25", "resnet8, 0.08", "preact_resnet110, 0.0625", "wrn_10_2, 0.25",
            "resnet8_bn_after_addition, 0.25", "resnet18, 0.0625", "densenet_bc_16_12, 0.25"})
    void fastPathComputesWhatDl4jsLayersCompute(String model, double width) {
        ComputationGraph reference = build(model, width, false);
        ComputationGraph fast = build(model, width, true);
        assertEquals(reference.numParams(), fast.numParams());
        assertTrue(fast.getVertices().length < reference.getVertices().length,
                model + ": the fast path should fuse vertices away");
        copyParameters(reference, fast);
        MultiDataSet d = data(1);
        assertClose(model + " output", reference.output(false, d.getFeatures())[0], fast.output(false, d.getFeatures())[0]);
        for (ComputationGraph net : new ComputationGraph[] {reference, fast}) {
            net.setInputs(d.getFeatures());
            net.setLabels(d.getLabels());
            net.computeGradientAndScore();
        }
        assertEquals(reference.score(), fast.score(), 1e-4 * Math.max(1, Math.abs(reference.score())), model + " loss");
        Map<String, INDArray> g = fast.gradient().gradientForVariable();
        for (Map.Entry<String, INDArray> e : reference.gradient().gradientForVariable().entrySet()) {
            assertClose(model + " gradient " + e.getKey(), e.getValue(), g.get(e.getKey()));
        }
        // the steps in double: in float, rounding differences grow chaotically through 100 layers of 1-4
        // channels (or BatchNorm over 6 values at a 1x1 map) within three steps, which says nothing
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            reference = build(model, width, false);
            fast = build(model, width, true);
            copyParameters(reference, fast);
            for (int step = 0; step < 3; step++) {
                MultiDataSet s = data(10 + step);
                reference.fit(s);
                fast.fit(s);
            }
        } finally {
            Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
        }
        Map<String, INDArray> p = fast.paramTable();
        for (Map.Entry<String, INDArray> e : reference.paramTable().entrySet()) {
            assertClose(model + " parameter " + e.getKey() + " after 3 steps", e.getValue(), p.get(e.getKey()));
        }
    }

    @Test
    void cacheModeHalvesTheForwardConvolutionsOfATrainingStep() {
        assertEquals(CacheMode.DEVICE, build("resnet8", 0.25, true).getConfiguration().getCacheMode());
        long withCache = conv2dPerStep(build("resnet8", 0.25, true));
        long without = conv2dPerStep(build("resnet8", 0.25, false));
        // resnet8: a stem and 3 stages of 2 convolutions; the fast net's option-B-free shortcuts add none
        assertEquals(7, withCache, "forward convolutions per step with the cache");
        assertEquals(14, without, "DL4J's default recomputes each one in backward");
    }

    @Test
    void aModelSavedBeforeTheFastPathStillLoadsAndPredictsTheSame(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        // checkpoints written before the fast path hold DL4J's layers in their configuration: they load as they were
        ComputationGraph old = build("resnet8", 0.25, false);
        old.fit(data(5));
        java.io.File zip = dir.resolve("epoch-0001.zip").toFile();
        org.deeplearning4j.util.ModelSerializer.writeModel(old, zip, true);
        ComputationGraph loaded = org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(zip, true);
        assertTrue(java.util.Arrays.stream(loaded.getLayers()).noneMatch(l -> l instanceof FastBatchNormLayer));
        INDArray x = data(6).getFeatures(0);
        assertClose("restored output", old.output(false, x)[0], loaded.output(false, x)[0]);
        loaded.fit(data(7)); // and it trains on (resume), with its own layers
    }

    @Test
    void theCacheModeSurvivesJson() {
        ComputationGraphConfiguration conf = build("resnet8", 0.25, true).getConfiguration();
        assertEquals(CacheMode.DEVICE, ComputationGraphConfiguration.fromJson(conf.toJson()).getCacheMode());
    }

    private static long conv2dPerStep(ComputationGraph net) {
        MultiDataSet d = data(2);
        net.fit(d); // warm
        OpProfiler.getInstance().reset();
        Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(false).build());
        try {
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().stackTrace(false).checkWorkspaces(false)
                    .checkElapsedTime(true).build());
            net.fit(d);
            return OpProfiler.getInstance().getOpCounter().getCount("conv2d");
        } finally {
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().build());
            OpProfiler.getInstance().reset();
        }
    }

    private static void copyParameters(ComputationGraph from, ComputationGraph to) {
        Map<String, INDArray> target = to.paramTable();
        for (Map.Entry<String, INDArray> e : from.paramTable().entrySet()) {
            INDArray t = target.get(e.getKey());
            assertTrue(t != null, "fast net lacks parameter " + e.getKey());
            t.assign(e.getValue());
        }
    }

    private static void assertClose(String what, INDArray expected, INDArray actual) {
        assertTrue(actual != null, what + ": missing");
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE);
        double scale = Math.max(1.0, e.amaxNumber().doubleValue());
        double diff = e.sub(a).amaxNumber().doubleValue();
        assertTrue(diff <= 5e-4 * scale, what + ": max |difference| " + diff + " (scale " + scale + ")");
    }
}
