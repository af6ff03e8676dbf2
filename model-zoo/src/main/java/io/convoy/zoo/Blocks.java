package io.convoy.zoo;

import io.convoy.zoo.fast.AddReluVertex;
import io.convoy.zoo.fast.FastBatchNorm;
import io.convoy.zoo.fast.FastPath;
import org.deeplearning4j.nn.conf.CacheMode;
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
     *
     * <p>Cache mode DEVICE: with DL4J's default (NONE) every convolution recomputes its forward pass in
     * backward; DL4J reads the mode from the graph configuration, not from {@code net.setCacheMode}.
     */
    public static GraphBuilder graph(ModelRequest request) {
        return new NeuralNetConfiguration.Builder()
                .cacheMode(FastPath.cacheMode() ? CacheMode.DEVICE : CacheMode.NONE)
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

    /** BatchNorm (Convoy's fused layer unless {@link FastPath#BATCHNORM} is off; DL4J's defaults either way). */
    public static String bn(GraphBuilder g, String name, String in) {
        g.addLayer(name, FastPath.batchNorm() ? FastBatchNorm.create(false) : new BatchNormalization.Builder().build(), in);
        return name;
    }

    /**
     * BatchNorm then ReLU, named prefix.bn and prefix.relu; one fused layer named prefix.bn when
     * {@link FastPath#FUSE_RELU} is on (the same computation, one pass forward and two backward).
     */
    public static String bnRelu(GraphBuilder g, String prefix, String in) {
        String bnName = VertexNames.name(prefix, "bn");
        if (FastPath.fuseRelu()) {
            g.addLayer(bnName, FastBatchNorm.create(true), in);
            return bnName;
        }
        return relu(g, VertexNames.name(prefix, "relu"), bn(g, bnName, in));
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
        return bnRelu(g, prefix, conv(g, VertexNames.name(prefix, "conv"), in, channels, kernel, stride));
    }

    /** BN -> ReLU -> conv (pre-activation order, He et al. 2016b). */
    public static String bnReluConv(GraphBuilder g, String prefix, String in, int channels, int kernel, int stride) {
        return conv(g, VertexNames.name(prefix, "conv"), bnRelu(g, prefix, in), channels, kernel, stride);
    }

    public static String add(GraphBuilder g, String name, String a, String b) {
        g.addVertex(name, new ElementWiseVertex(ElementWiseVertex.Op.Add), a, b);
        return name;
    }

    /**
     * relu(a + b), the end of a post-activation residual unit: vertices prefix.add and prefix.relu, or one
     * fused vertex prefix.add when {@link FastPath#ADD_RELU} is on.
     */
    public static String addRelu(GraphBuilder g, String prefix, String a, String b) {
        String addName = VertexNames.name(prefix, "add");
        if (FastPath.addRelu()) {
            g.addVertex(addName, new AddReluVertex(), a, b);
            return addName;
        }
        return relu(g, VertexNames.name(prefix, "relu"), add(g, addName, a, b));
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
