package io.convoy.worker.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** A worker's iterations are numbered from the driver's epoch start, whatever count its network arrived with. */
class IterationClockTest {
    @Test
    void countsFromTheEpochStart() {
        ComputationGraph net = tinyNet();
        net.getConfiguration().setIterationCount(9999); // what DL4J's parameter server would have given
        List<Integer> seen = new ArrayList<>();
        net.setListeners(new IterationClock(120), new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                seen.add(iteration);
            }
        });
        DataSet batch = new DataSet(Nd4j.rand(3, 4), Nd4j.eye(2).getRows(0, 1, 0));
        for (int i = 0; i < 3; i++) {
            net.fit(batch);
        }
        assertEquals(List.of(120, 121, 122), seen);
    }

    /** A softmax layer on 4 inputs, trained by SGD. */
    static ComputationGraph tinyNet() {
        var conf = new NeuralNetConfiguration.Builder().updater(new Sgd(0.1)).graphBuilder().addInputs("in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(4).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "in")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }
}
