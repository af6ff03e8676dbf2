package io.convoy.worker.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The phases of real DL4J iterations and the CPU time of named threads, drained per JVM. */
class WorkTimesTest {

    @Test
    void iterationsAreTimedPhaseByPhase() {
        var conf = new NeuralNetConfiguration.Builder().seed(1).updater(new Sgd(0.1)).graphBuilder()
                .addInputs("in")
                .addLayer("hidden", new DenseLayer.Builder().nIn(20).nOut(64).activation(Activation.RELU).build(), "in")
                .addLayer("out", new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(64).nOut(3)
                        .activation(Activation.SOFTMAX).build(), "hidden")
                .setOutputs("out").build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        net.setListeners(new IterationPhases());
        DataSet batch = new DataSet(Nd4j.rand(32, 20), Nd4j.eye(3).getRows(new int[32]));
        WorkTimes.drain();
        for (int i = 0; i < 4; i++) {
            net.fit(batch);
        }
        WorkTimes t = WorkTimes.drain();
        assertEquals(4, t.iterations());
        assertTrue(t.backwardNanos() > 0 && t.stepNanos() > 0, t.toString());
        assertTrue(t.dataForwardNanos() > 0, "iterations 2-4 have a predecessor: " + t);
        WorkTimes again = WorkTimes.drain();
        assertEquals(0, again.iterations(), "a drain starts the next count from zero");
        assertEquals(0, again.stepNanos());
    }

    @Test
    void cpuTimeIsCountedByThreadKind() throws Exception {
        WorkTimes.drain();
        Thread spinner = new Thread(() -> {
            long end = System.nanoTime() + 300_000_000L;
            long x = 0;
            while (System.nanoTime() < end) {
                x += System.identityHashCode(this);
            }
            if (x == 42) {
                System.out.println(x);
            }
        }, "aeron-client-conductor");
        spinner.start();
        Thread.sleep(250); // sample while it still runs: an ended thread's time is gone
        WorkTimes t = WorkTimes.drain();
        spinner.join();
        assertTrue(t.threadCpuNanos().getOrDefault("aeron", 0L) > 100_000_000L, t.threadCpuNanos().toString());
        assertEquals("tasks", WorkTimes.group("Executor task launch worker for task 3.0 in stage 1.0 (TID 7)"));
        assertEquals("aeron", WorkTimes.group("driver-conductor"));
        assertEquals("aeron", WorkTimes.group("sender"));
        assertEquals("other", WorkTimes.group("main"));
    }
}
