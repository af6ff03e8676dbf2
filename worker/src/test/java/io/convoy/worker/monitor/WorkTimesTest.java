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
        var busy = new java.util.concurrent.CountDownLatch(1);
        var sampled = new java.util.concurrent.CountDownLatch(1);
        Thread spinner = new Thread(() -> {
            // spin until this thread itself has used 150 ms of CPU (however loaded the machine), then stay alive
            var mx = java.lang.management.ManagementFactory.getThreadMXBean();
            long x = 0;
            while (mx.getCurrentThreadCpuTime() < 150_000_000L) {
                x += System.identityHashCode(this);
            }
            busy.countDown();
            try {
                sampled.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (x == 42) {
                System.out.println(x);
            }
        }, "aeron-client-conductor");
        spinner.start();
        busy.await(); // sample while it is alive: an ended thread's time is gone
        WorkTimes t = WorkTimes.drain();
        sampled.countDown();
        spinner.join();
        assertTrue(t.threadCpuNanos().getOrDefault("aeron", 0L) >= 150_000_000L, t.threadCpuNanos().toString());
        assertEquals("tasks", WorkTimes.group("Executor task launch worker for task 3.0 in stage 1.0 (TID 7)"));
        assertEquals("aeron", WorkTimes.group("driver-conductor"));
        assertEquals("aeron", WorkTimes.group("sender"));
        assertEquals("other", WorkTimes.group("main"));
    }
}
