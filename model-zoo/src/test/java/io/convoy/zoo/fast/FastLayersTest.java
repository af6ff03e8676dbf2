package io.convoy.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNBatchNormHelper;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Convoy's fused layers against the DL4J layers they replace, in float, on random inputs: the same
 * parameters give the same outputs (training and inference mode), the same input gradient and parameter
 * gradients, and after several Nesterov steps the same parameters and running statistics. The DL4J
 * side runs as training does (oneDNN helpers on when the JVM has them, see surefire's flags).
 */
class FastLayersTest {
    private static final float TOLERANCE = 2e-4f;

    /** conv -> BN (-> ReLU) -> conv -> BN, added to the input's projection (-> ReLU), pooled, softmax. */
    private static ComputationGraph net(boolean fast, boolean fuse, boolean useLogStd, int channels) {
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .dataType(DataType.FLOAT).seed(7).updater(new Nesterovs(0.1, 0.9)).weightInit(WeightInit.RELU)
                .l2(1e-4).convolutionMode(ConvolutionMode.Same)
                .graphBuilder().addInputs("in").setInputTypes(InputType.convolutional(6, 5, 3));
        g.addLayer("c1", conv(channels), "in");
        String x = bn(g, "b1", "c1", fast, fuse, true, useLogStd);
        g.addLayer("c2", conv(channels), x);
        x = bn(g, "b2", "c2", fast, fuse, false, useLogStd);
        g.addLayer("proj", conv(channels), "in");
        if (fast && fuse) {
            g.addVertex("add", new AddReluVertex(), x, "proj");
            x = "add";
        } else {
            g.addVertex("add", new ElementWiseVertex(ElementWiseVertex.Op.Add), x, "proj");
            g.addLayer("add.relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), "add");
            x = "add.relu";
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(4)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out");
        ComputationGraph net = new ComputationGraph(g.build());
        net.init();
        return net;
    }

    private static ConvolutionLayer conv(int channels) {
        return new ConvolutionLayer.Builder(3, 3).nOut(channels).hasBias(false).activation(Activation.IDENTITY).build();
    }

    private static String bn(GraphBuilder g, String name, String in, boolean fast, boolean fuse, boolean relu, boolean logStd) {
        if (fast) {
            FastBatchNorm layer = FastBatchNorm.create(relu && fuse);
            layer.setUseLogStd(logStd);
            g.addLayer(name, layer, in);
            if (relu && !fuse) {
                g.addLayer(name + ".relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name);
                return name + ".relu";
            }
            return name;
        }
        g.addLayer(name, new BatchNormalization.Builder().useLogStd(logStd).build(), in);
        if (relu) {
            g.addLayer(name + ".relu", new ActivationLayer.Builder().activation(Activation.RELU).build(), name);
            return name + ".relu";
        }
        return name;
    }

    private static MultiDataSet data(long seed, int n) {
        Nd4j.getRandom().setSeed(seed);
        INDArray x = Nd4j.randn(DataType.FLOAT, n, 3, 6, 5).muli(2).addi(0.5);
        INDArray y = Nd4j.zeros(DataType.FLOAT, n, 4);
        for (int i = 0; i < n; i++) {
            y.putScalar(i, (i * 7 + seed) % 4, 1f);
        }
        return new MultiDataSet(x, y);
    }

    /** Same parameters in both nets (they have the same layout: fused layers keep DL4J's parameters). */
    private static ComputationGraph[] pair(boolean fuse, boolean logStd, int channels) {
        ComputationGraph reference = net(false, false, logStd, channels);
        ComputationGraph fast = net(true, fuse, logStd, channels);
        assertEquals(reference.numParams(), fast.numParams());
        // random running statistics, so inference mode is tested on more than the initial 0 / 1
        INDArray p = reference.params().dup();
        fast.setParams(p);
        Nd4j.getRandom().setSeed(3);
        for (String bn : new String[] {"b1", "b2"}) {
            Map<String, INDArray> t = reference.getLayer(bn).paramTable();
            for (String key : t.keySet()) {
                INDArray v = key.equals("mean") || key.equals("beta") ? Nd4j.randn(DataType.FLOAT, t.get(key).shape())
                        : key.equals("log10stdev") ? Nd4j.rand(DataType.FLOAT, t.get(key).shape()).subi(0.5)
                        : Nd4j.rand(DataType.FLOAT, t.get(key).shape()).addi(0.5);
                reference.getLayer(bn).setParam(key, v);
                fast.getLayer(bn).setParam(key, v.dup());
            }
        }
        return new ComputationGraph[] {reference, fast};
    }

    @ParameterizedTest(name = "fused ReLU {0}, log10 std {1}, {2} channels")
    @CsvSource({"true, true, 5", "false, true, 5", "true, false, 4", "true, true, 17"})
    void outputsAndGradientsEqualDl4js(boolean fuse, boolean logStd, int channels) {
        ComputationGraph[] nets = pair(fuse, logStd, channels);
        MultiDataSet d = data(1, 9);
        for (boolean train : new boolean[] {true, false}) {
            INDArray a = nets[0].output(train, d.getFeatures())[0];
            INDArray b = nets[1].output(train, d.getFeatures())[0];
            assertClose("output (train=" + train + ")", a, b);
        }
        // every layer's input gradient shows in the weight gradient of the convolution before it (c1 for b1,
        // c2 for b2, c2 and proj for the addition), so comparing all parameter gradients compares them too
        Gradient[] grads = new Gradient[2];
        for (int i = 0; i < 2; i++) {
            nets[i].setInputs(d.getFeatures());
            nets[i].setLabels(d.getLabels());
            nets[i].computeGradientAndScore();
            grads[i] = nets[i].gradient();
        }
        for (Map.Entry<String, INDArray> e : grads[0].gradientForVariable().entrySet()) {
            INDArray other = grads[1].gradientForVariable().get(e.getKey());
            assertTrue(other != null, "fast net lacks the gradient of " + e.getKey());
            assertClose("gradient of " + e.getKey(), e.getValue(), other);
        }
    }

    @ParameterizedTest(name = "fused ReLU {0}, log10 std {1}")
    @CsvSource({"true, true", "false, false"})
    void parametersAndRunningStatisticsFollowDl4jsOverSteps(boolean fuse, boolean logStd) {
        ComputationGraph[] nets = pair(fuse, logStd, 6);
        for (int step = 0; step < 5; step++) {
            MultiDataSet d = data(10 + step, 12);
            nets[0].fit(d);
            nets[1].fit(d);
        }
        for (String bn : new String[] {"b1", "b2"}) {
            for (Map.Entry<String, INDArray> e : nets[0].getLayer(bn).paramTable().entrySet()) {
                assertClose(bn + "." + e.getKey() + " after 5 steps", e.getValue(), nets[1].getLayer(bn).getParam(e.getKey()));
            }
        }
        assertClose("all parameters after 5 steps", nets[0].params(), nets[1].params());
    }

    @ParameterizedTest(name = "log10 std {0}")
    @CsvSource({"true", "false"})
    void localRunningStatisticsFollowDl4jsAndSendNoGradient(boolean logStd) {
        ComputationGraph[] nets = pair(true, logStd, 6);
        assertTrue(FastBatchNorm.localStatistics(nets[1].getConfiguration(), true), "every BatchNorm is a FastBatchNorm");
        assertFalse(FastBatchNorm.localStatistics(nets[0].getConfiguration(), true), "DL4J's layers are not");
        for (int step = 0; step < 5; step++) {
            MultiDataSet d = data(10 + step, 12);
            nets[0].fit(d);
            nets[1].fit(d);
        }
        assertClose("all parameters after 5 steps", nets[0].params(), nets[1].params());
        MultiDataSet d = data(20, 12);
        nets[1].setInputs(d.getFeatures());
        nets[1].setLabels(d.getLabels());
        nets[1].computeGradientAndScore();
        Map<String, INDArray> g = nets[1].gradient().gradientForVariable();
        for (String bn : new String[] {"b1", "b2"}) {
            for (String stat : new String[] {"mean", logStd ? "log10stdev" : "var"}) {
                assertEquals(0.0, g.get(bn + "_" + stat).amaxNumber().doubleValue(), bn + "_" + stat + " gradient");
            }
            assertTrue(g.get(bn + "_gamma").amaxNumber().doubleValue() > 0, bn + " still has a gamma gradient");
        }
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(nets[1].getConfiguration().toJson());
        assertEquals(nets[1].getConfiguration(), back);
        FastBatchNorm.localStatistics(nets[1].getConfiguration(), false);
        assertFalse(nets[1].getConfiguration().toJson().contains("localStatistics"), "written only when set");
    }

    @Test
    void theReferenceRunsOneDnnWhenItIsOn() {
        // the comparison is against what training uses: DL4J's layer with its oneDNN helper when enabled
        ComputationGraph reference = net(false, false, true, 4);
        boolean helpersOn = "false".equals(System.getProperty("org.eclipse.deeplearning4j.helpers.disable"));
        var helper = ((org.deeplearning4j.nn.layers.normalization.BatchNormalization) reference.getLayer("b1")).getHelper();
        assertEquals(helpersOn, helper instanceof MKLDNNBatchNormHelper, "helper: " + helper);
    }

    @Test
    void fastLayersRoundTripThroughJson() {
        ComputationGraph fast = net(true, true, true, 3);
        ComputationGraphConfiguration conf = fast.getConfiguration();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back);
        var layer = (FastBatchNorm) ((org.deeplearning4j.nn.conf.graph.LayerVertex) back.getVertices().get("b1")).getLayerConf().getLayer();
        assertTrue(layer.isRelu());
        assertTrue(back.getVertices().get("add") instanceof AddReluVertex);
    }

    private static void assertClose(String what, INDArray expected, INDArray actual) {
        assertEquals(java.util.Arrays.toString(expected.shape()), java.util.Arrays.toString(actual.shape()), what);
        INDArray e = expected.castTo(DataType.DOUBLE);
        INDArray a = actual.castTo(DataType.DOUBLE);
        double scale = Math.max(1.0, e.amaxNumber().doubleValue());
        double diff = e.sub(a).amaxNumber().doubleValue();
        assertTrue(diff <= TOLERANCE * scale, what + ": max |difference| " + diff + " (scale " + scale + ")");
    }
}
