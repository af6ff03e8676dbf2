package io.convoy.driver.checkpoint;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A 131-parameter graph (4 -> 16 -> 3) with a momentum updater, trained a few steps so its updater state is not zero. */
final class TinyGraphs {
    static final int INPUTS = 4;
    static final int CLASSES = 3;

    private TinyGraphs() {
    }

    static ComputationGraph trained(long seed, int steps) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(seed)
                .dataType(DataType.FLOAT)
                .updater(new Nesterovs(0.05, 0.9))
                .graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(INPUTS).nOut(16).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT)
                        .nIn(16).nOut(CLASSES).activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        for (int i = 0; i < steps; i++) {
            net.fit(batch(seed * 31 + i));
        }
        return net;
    }

    static DataSet batch(long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[] values = new float[8 * INPUTS];
        for (int i = 0; i < values.length; i++) {
            values[i] = random.nextFloat();
        }
        INDArray features = Nd4j.create(values, new long[] {8, INPUTS}, DataType.FLOAT);
        INDArray labels = Nd4j.zeros(DataType.FLOAT, 8, CLASSES);
        for (int r = 0; r < 8; r++) {
            labels.putScalar(r, (int) ((seed + r) % CLASSES), 1f);
        }
        return new DataSet(features, labels);
    }

    static float[] params(ComputationGraph net) {
        return net.params().dup().data().asFloat();
    }

    static float[] updaterState(ComputationGraph net) {
        return net.getUpdater().getStateViewArray().dup().data().asFloat();
    }
}
