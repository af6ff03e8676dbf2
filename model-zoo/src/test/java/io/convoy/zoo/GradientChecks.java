package io.convoy.zoo;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.function.UnaryOperator;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.normalization.BatchNormalization;
import org.deeplearning4j.nn.params.BatchNormalizationParamInitializer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The double-precision set-up the gradient-check tests share. */
final class GradientChecks {
    /** Seed of ND4J's generator before every pass of a check, so dropout masks are the same in each. */
    private static final long DROPOUT_SEED = 12345;

    private GradientChecks() {
    }

    /** ND4J's default floating-point type to double, as GradientCheckUtil requires; zoo graphs follow it. */
    static void useDouble() {
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
    }

    static void restoreFloat() {
        Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    }

    /**
     * A small double-precision graph: input {@code in} of the given shape, the caller's vertices (the
     * function adds them and returns the name of the last), global average pooling and a softmax.
     */
    static ComputationGraph tinyGraph(long seed, int height, int width, int channels, int classes,
                                      UnaryOperator<GraphBuilder> body, String last) {
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .dataType(DataType.DOUBLE).seed(seed).updater(new NoOp()).weightInit(WeightInit.XAVIER)
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("in").setInputTypes(InputType.convolutional(height, width, channels));
        body.apply(g)
                .addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), last)
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(classes)
                        .activation(Activation.SOFTMAX).build(), "pool")
                .setOutputs("out");
        return network(g.build());
    }

    /**
     * An initialised network whose parameters are laid out in the order the configuration lists its
     * vertices. DL4J lays parameters out in its own topological order (breadth-first) but
     * {@code paramTable()}, from which GradientCheckUtil names parameters and finds the excluded ones,
     * lists them in vertex order; where the two differ (a gate or projection branching off a shortcut)
     * the check would exclude the wrong ranges. The zoo's builders add every vertex after its inputs,
     * so their order is itself a topological order, which DL4J accepts as the cached one.
     */
    static ComputationGraph network(ComputationGraphConfiguration conf) {
        List<String> order = new ArrayList<>(conf.getNetworkInputs());
        order.addAll(conf.getVertices().keySet());
        Set<String> seen = new HashSet<>();
        for (String v : order) {
            for (String in : conf.getVertexInputs().getOrDefault(v, List.of())) {
                if (!seen.contains(in)) {
                    throw new IllegalStateException(v + " is listed before its input " + in);
                }
            }
            seen.add(v);
        }
        conf.setTopologicalOrder(IntStream.range(0, order.size()).toArray());
        conf.setTopologicalOrderStr(order);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** Random input in [0, 1) from a fixed seed. */
    static INDArray input(long seed, long... shape) {
        Nd4j.getRandom().setSeed(seed);
        return Nd4j.rand(DataType.DOUBLE, shape);
    }

    /** One-hot labels, row i of class i mod classes. */
    static INDArray labels(int rows, int classes) {
        INDArray y = Nd4j.zeros(DataType.DOUBLE, rows, classes);
        for (int i = 0; i < rows; i++) {
            y.putScalar(i, i % classes, 1.0);
        }
        return y;
    }

    /**
     * DL4J's gradient check (central differences against backprop, relative error 1e-3) in training
     * mode. BatchNorm's running mean and variance are left out: DL4J keeps them as parameters, but they
     * are updated by the forward pass, not by gradients. ND4J's generator is reseeded before every pass,
     * so dropout draws the same mask each time; the zoo's drop-path and stochastic-depth draws are fixed
     * by (seed, iteration) already.
     */
    static boolean passes(ComputationGraph net, INDArray x, INDArray y) {
        return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                .inputs(new INDArray[] {x}).labels(new INDArray[] {y})
                .excludeParams(batchNormStatistics(net))
                .callEachIter(n -> Nd4j.getRandom().setSeed(DROPOUT_SEED))
                .exitOnFirstError(true));
    }

    private static Set<String> batchNormStatistics(ComputationGraph net) {
        Set<String> names = new HashSet<>();
        for (org.deeplearning4j.nn.api.Layer layer : net.getLayers()) {
            if (layer instanceof BatchNormalization) {
                String prefix = layer.getConfig().getLayerName() + "_";
                names.add(prefix + BatchNormalizationParamInitializer.GLOBAL_MEAN);
                names.add(prefix + BatchNormalizationParamInitializer.GLOBAL_VAR);
                names.add(prefix + BatchNormalizationParamInitializer.GLOBAL_LOG_STD);
            }
        }
        return names;
    }
}
