package io.convoy.zoo.resnet;

import static io.convoy.zoo.VertexNames.block;
import static io.convoy.zoo.VertexNames.name;
import static io.convoy.zoo.VertexNames.stage;

import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.ElementWiseVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.ScaleVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The CIFAR ResNet of He et al. 2016 ("Deep Residual Learning for Image Recognition", section 4.2):
 * a 3x3 convolution with 16 filters, then three stages of n basic blocks with 16, 32 and 64 filters
 * (the first block of stages 2 and 3 halves the feature map with stride 2), global average pooling
 * and a softmax classifier: 6n+2 weighted layers. BatchNorm follows every convolution, before ReLU.
 *
 * <p>Shortcuts are option A of the paper, parameter-free: identity, and where the shape changes a
 * strided subsample concatenated with zeros to double the channels. The zeros are appended after the
 * existing channels (torchvision-style CIFAR ports pad both sides; the result is the same up to a
 * permutation of channels).
 */
public final class CifarResNet {
    private static final int[] STAGE_WIDTHS = {16, 32, 64};

    private final int depth;
    private final int blocksPerStage;

    private CifarResNet(int depth) {
        this.depth = depth;
        this.blocksPerStage = (depth - 2) / 6;
    }

    /** A CIFAR ResNet of the given depth; throws if the depth is not 6n+2 with n >= 1. */
    public static CifarResNet of(int depth) {
        if (depth < 8 || (depth - 2) % 6 != 0) {
            throw new UnknownModelException("CIFAR ResNet depth must be 6n+2 with n >= 1 (8, 14, 20, 32, 44, 56, 110, ...),"
                    + " got " + depth);
        }
        return new CifarResNet(depth);
    }

    public int depth() {
        return depth;
    }

    public int blocksPerStage() {
        return blocksPerStage;
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        GraphBuilder g = new NeuralNetConfiguration.Builder()
                .seed(request.seed())
                .updater(request.updater())
                .weightInit(WeightInit.RELU) // He et al. 2015 initialisation, as the paper uses
                .l2(request.weightDecay())
                .convolutionMode(ConvolutionMode.Same)
                .graphBuilder()
                .addInputs("input")
                .setInputTypes(request.input().toInputType());

        String x = convBnRelu(g, "stem", "input", STAGE_WIDTHS[0], 1);
        int channels = STAGE_WIDTHS[0];
        for (int s = 0; s < STAGE_WIDTHS.length; s++) {
            for (int b = 0; b < blocksPerStage; b++) {
                int stride = (s > 0 && b == 0) ? 2 : 1;
                x = basicBlock(g, name(stage(s + 1), block(b + 1)), x, channels, STAGE_WIDTHS[s], stride);
                channels = STAGE_WIDTHS[s];
            }
        }
        g.addLayer("pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), x)
                .addLayer("fc", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nOut(request.numClasses())
                        .activation(Activation.SOFTMAX)
                        .weightInit(WeightInit.XAVIER)
                        .build(), "pool")
                .setOutputs("fc");
        return g.build();
    }

    /** conv3x3 -> BN -> ReLU -> conv3x3 -> BN, added to the shortcut, then ReLU (Fig. 2 of the paper). */
    private static String basicBlock(GraphBuilder g, String prefix, String in, int inChannels, int outChannels, int stride) {
        String branch = convBnRelu(g, name(prefix, "1"), in, outChannels, stride);
        branch = convBn(g, name(prefix, "2"), branch, outChannels, 1);
        String shortcut = shortcutA(g, prefix, in, inChannels, outChannels, stride);
        String sum = name(prefix, "add");
        g.addVertex(sum, new ElementWiseVertex(ElementWiseVertex.Op.Add), branch, shortcut);
        String out = name(prefix, "relu");
        g.addLayer(out, new ActivationLayer.Builder().activation(Activation.RELU).build(), sum);
        return out;
    }

    /** Option A: identity, or a strided subsample with zero channels appended (no parameters). */
    private static String shortcutA(GraphBuilder g, String prefix, String in, int inChannels, int outChannels, int stride) {
        if (stride == 1 && inChannels == outChannels) {
            return in;
        }
        String sub = in;
        if (stride != 1) {
            sub = name(prefix, "shortcut", "subsample");
            // a 1x1 max pool with stride 2 keeps every other pixel, like x[:, :, ::2, ::2]
            g.addLayer(sub, new SubsamplingLayer.Builder(PoolingType.MAX)
                    .kernelSize(1, 1).stride(stride, stride).build(), in);
        }
        if (outChannels == inChannels) {
            return sub;
        }
        if (outChannels != 2 * inChannels) {
            throw new IllegalStateException("option A shortcut pads to twice the channels, not " + inChannels + " -> " + outChannels);
        }
        String zeros = name(prefix, "shortcut", "zeros");
        g.addVertex(zeros, new ScaleVertex(0.0), sub);
        String padded = name(prefix, "shortcut", "pad");
        g.addVertex(padded, new MergeVertex(), sub, zeros);
        return padded;
    }

    private static String convBnRelu(GraphBuilder g, String prefix, String in, int channels, int stride) {
        String bn = convBn(g, prefix, in, channels, stride);
        String relu = name(prefix, "relu");
        g.addLayer(relu, new ActivationLayer.Builder().activation(Activation.RELU).build(), bn);
        return relu;
    }

    private static String convBn(GraphBuilder g, String prefix, String in, int channels, int stride) {
        String conv = name(prefix, "conv");
        g.addLayer(conv, new ConvolutionLayer.Builder(3, 3)
                .nOut(channels)
                .stride(stride, stride)
                .hasBias(false) // BatchNorm follows: a bias would be cancelled by its mean
                .activation(Activation.IDENTITY)
                .build(), in);
        String bn = name(prefix, "bn");
        g.addLayer(bn, new BatchNormalization.Builder().build(), conv);
        return bn;
    }
}
