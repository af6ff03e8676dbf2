package io.convoy.zoo.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The schedule's values per iteration, inside a DL4J configuration and in DL4J's updater. */
class EpochScheduleTest {
    /** Goyal et al.: 0.1 per 256 images at global batch 1024 (x4), 2 warmup epochs, /10 from epoch 4, 10 iterations/epoch. */
    private static final EpochSchedule GOYAL = new EpochSchedule("step", 0.1, 4, new int[] {4}, 0.1, 2, 5, 10);

    @Test
    void warmupRisesEveryIterationAndStepsFallAtTheirEpoch() {
        assertEquals(0.1, GOYAL.valueAt(0, 0), 1e-12);
        assertEquals(0.1 + 0.3 * 1 / 20.0, GOYAL.valueAt(1, 0), 1e-12, "one iteration into warmup");
        assertEquals(0.1 + 0.3 * 15 / 20.0, GOYAL.valueAt(15, 1), 1e-12);
        assertEquals(0.4, GOYAL.valueAt(20, 2), 1e-12, "warmup over: the scaled rate");
        assertEquals(0.4, GOYAL.valueAt(29, 2), 1e-12);
        assertEquals(0.04, GOYAL.valueAt(30, 3), 1e-12, "epoch 4's first iteration");
    }

    @Test
    void cosineIsSmoothWithinAnEpochAndMatchesThePerEpochValuesAtEpochStarts() {
        EpochSchedule cos = new EpochSchedule("cosine", 0.2, 1, new int[0], 1, 0, 4, 100);
        assertEquals(0.2, cos.valueAt(0, 0), 1e-12);
        assertEquals(0.5 * 0.2 * (1 + Math.cos(Math.PI * 1.5 / 4)), cos.valueAt(150, 1), 1e-12);
        assertEquals(0.5 * 0.2 * (1 + Math.cos(Math.PI * 3 / 4)), cos.rate(3), 1e-12);
        assertEquals(0.1, new EpochSchedule("constant", 0.1, 1, null, 1, 0, 3, 7).valueAt(20, 2), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new EpochSchedule("linear", 0.1, 1, null, 1, 0, 3, 7));
    }

    @Test
    void survivesTheConfigurationJsonAndDl4jAppliesItPerIteration() {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder().seed(3)
                .updater(new Nesterovs(GOYAL, 0.9)).graphBuilder().addInputs("in")
                .addLayer("h", new DenseLayer.Builder().nIn(5).nOut(8).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(2)
                        .activation(Activation.SOFTMAX).build(), "h")
                .setOutputs("out").build();
        ComputationGraphConfiguration back = ComputationGraphConfiguration.fromJson(conf.toJson());
        assertEquals(conf, back, "the schedule round-trips through the JSON a checkpoint stores");
        ComputationGraph net = new ComputationGraph(back);
        net.init();
        List<double[]> applied = new ArrayList<>();
        net.setListeners(new BaseTrainingListener() {
            @Override
            public void iterationDone(Model model, int iteration, int epoch) {
                BaseLayer layer = (BaseLayer) net.getLayer("h").conf().getLayer();
                applied.add(new double[] {iteration, layer.getIUpdater().getLearningRate(iteration, epoch)});
            }
        });
        DataSet batch = new DataSet(Nd4j.rand(4, 5), Nd4j.eye(2).getRows(0, 1, 0, 1));
        net.getConfiguration().setIterationCount(14);
        for (int i = 0; i < 3; i++) {
            net.fit(batch);
        }
        assertEquals(3, applied.size());
        for (double[] a : applied) {
            assertEquals(GOYAL.valueAt((int) a[0], 0), a[1], 1e-12, "iteration " + a[0]);
        }
        assertEquals(14, applied.get(0)[0], "counted from the iteration the driver set");
    }
}
