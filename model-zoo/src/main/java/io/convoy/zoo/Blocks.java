package io.convoy.zoo;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The layers every family is made of, each added under a name from {@link VertexNames}. Each helper
 * returns the name of what it added, so a builder reads as a chain of the paper's operations.
 */
public final class Blocks {
    private Blocks() {
    }

    /**
     * A graph with the request's seed, optimiser, weight decay and He initialisation, and its input
     * declared. Its data type is ND4J's default floating-point type (float unless a gradient check
     * switched the default to double).
     */
    public static GraphBuilder graph(ModelRequest request) {
        return new NeuralNetConfiguration.Builder()
                .dataType(org.nd4j.linalg.factory.Nd4j.defaultFloatingPointType())
                .seed(request.seed())
                .updater(request.updater())
                .weightInit(WeightInit.RELU) // He et al. 2015, as every paper of this family uses
                .l2(request.weightDecay())
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(request.input().toInputType());
    }

    /** A bias-free convolution: BatchNorm always follows in these families, which cancels a bias. */
    public static String conv(GraphBuilder g, String name, String in, int channels, int kernel, int stride) {
        g.addLayer(name, new ConvolutionLayer.Builder(kernel, kernel)
                .nOut(channels)
                .stride(stride, stride)
                .hasBias(false)
                .activation(Activation.IDENTITY)
                .build(), in);
        return name;
    }

    public static String bn(GraphBuilder g, String name, String in) {
        g.addLayer(name, new BatchNormalization.Builder().build(), in);
        return name;
    }

    public static String relu(GraphBuilder g, String name, String in) {
        g.addLayer(name, new ActivationLayer.Builder().activation(Activation.RELU).build(), in);
        return name;
    }

    /** conv -> BN, named prefix.conv and prefix.bn (post-activation order). */
    public static String convBn(GraphBuilder g, String prefix, String in, int channels, int kernel, int stride) {
        return bn(g, VertexNames.name(prefix, "bn"), conv(g, VertexNames.name(prefix, "conv"), in, channels, kernel, stride));
    }

    /** conv -> BN -> ReLU. */
    public static String convBnRelu(GraphBuilder g, String prefix, String in, int channels, int kernel, int stride) {
        return relu(g, VertexNames.name(prefix, "relu"), convBn(g, prefix, in, channels, kernel, stride));
    }

    /** BN -> ReLU -> conv (pre-activation order, He et al. 2016b). */
    public static String bnReluConv(GraphBuilder g, String prefix, String in, int channels, int kernel, int stride) {
        String r = relu(g, VertexNames.name(prefix, "relu"), bn(g, VertexNames.name(prefix, "bn"), in));
        return conv(g, VertexNames.name(prefix, "conv"), r, channels, kernel, stride);
    }

    public static String add(GraphBuilder g, String name, String a, String b) {
        g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), a, b);
        return name;
    }

    /** Concatenation along channels. */
    public static String concat(GraphBuilder g, String name, String... inputs) {
        g.addVertex(name, new MergeVertex(), inputs);
        return name;
    }

    public static String pool(GraphBuilder g, String name, String in, PoolingType type, int kernel, int stride) {
        g.addLayer(name, new SubsamplingLayer.Builder(type).kernelSize(kernel, kernel).stride(stride, stride).build(), in);
        return name;
    }

    /** Dropout with the given drop probability (DL4J's own parameter is the retain probability). */
    public static String dropout(GraphBuilder g, String name, String in, double dropProbability) {
        g.addLayer(name, new DropoutLayer.Builder().dropOut(new Dropout(1.0 - dropProbability)).build(), in);
        return name;
    }

    /** Global average pooling and a softmax classifier; sets the graph's output. */
    public static void classifier(GraphBuilder g, String in, int numClasses) {
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), in)
                .addLayer("fc", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(numClasses)
                        .activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER)
                        .build(), "pool")
                .setOutputs("fc");
    }
}
