package io.convoy.zoo.plain;

import static io.convoy.zoo.Blocks.pool;
import static io.convoy.zoo.VertexNames.name;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * A LeNet-5-style baseline (LeCun et al. 1998): C1 = 6 filters 5x5, 2x2 subsampling, C3 = 16 filters
 * 5x5, 2x2 subsampling, fully connected layers of 120 and 84 units and a softmax classifier. Modern in
 * the usual ways: ReLU instead of scaled tanh, max pooling instead of trainable subsampling, C3 connected
 * to all six C1 maps, a softmax instead of RBF outputs, and C5 as a fully connected layer over whatever
 * map the input leaves (16x5x5 for 32x32 input, 16x4x4 for MNIST's 28x28). Convolutions have biases
 * and no BatchNorm, and are unpadded as in the paper.
 */
public final class LeNet5 {
    private static final int[] WIDTHS = {6, 16, 120, 84};

    private LeNet5() {
    }

    public static ComputationGraphConfiguration build(ModelRequest request) {
        int side = Math.min(request.input().height(), request.input().width());
        if (side < 14) {
            throw new UnknownModelException("LeNet-5 needs an input of at least 14x14 (two unpadded 5x5 convolutions and"
                    + " two 2x2 pools), got " + request.input());
        }
        int[] w = request.widths(WIDTHS);
        GraphBuilder g = Blocks.graph(request);
        String x = conv(g, "c1", "input", w[0]);
        x = pool(g, name("s2", "maxpool"), x, PoolingType.MAX, 2, 2);
        x = conv(g, "c3", x, w[1]);
        x = pool(g, name("s4", "maxpool"), x, PoolingType.MAX, 2, 2);
        g.addLayer("f5", new DenseLayer.Builder().nOut(w[2]).activation(Activation.RELU).build(), x);
        g.addLayer("f6", new DenseLayer.Builder().nOut(w[3]).activation(Activation.RELU).build(), "f5");
        g.addLayer("fc", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                .nOut(request.numClasses())
                .activation(Activation.SOFTMAX)
                .weightInit(WeightInit.XAVIER)
                .build(), "f6");
        g.setOutputs("fc");
        return g.build();
    }

    private static String conv(GraphBuilder g, String name, String in, int channels) {
        g.addLayer(name, new ConvolutionLayer.Builder(5, 5)
                .nOut(channels)
                .convolutionMode(ConvolutionMode.Truncate)
                .activation(Activation.RELU)
                .build(), in);
        return name;
    }
}
