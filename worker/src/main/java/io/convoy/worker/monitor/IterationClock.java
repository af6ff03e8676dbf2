package io.convoy.worker.monitor;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Gives a gradient-sharing worker's network the driver's iteration count: the epoch's first iteration plus the
 * minibatches this thread has trained in it, set after each forward pass, before the updater reads it. DL4J would
 * start each worker's epoch at the highest iteration its parameter server has seen in a message, which differs a
 * little from worker to worker and from the driver's; the per-iteration learning rate schedule needs the same count
 * everywhere. Under gradient sharing each worker trains its partition in one task per epoch, so the count restarts
 * with each (deserialised) listener.
 */
public final class IterationClock extends BaseTrainingListener implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    private final int epochStart;
    private transient ThreadLocal<int[]> trained;

    public IterationClock(int epochStart) {
        this.epochStart = epochStart;
    }

    private int[] trained() {
        if (trained == null) {
            synchronized (this) {
                if (trained == null) {
                    trained = ThreadLocal.withInitial(() -> new int[1]);
                }
            }
        }
        return trained.get();
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        set(model);
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        set(model);
    }

    private void set(Model model) {
        if (model instanceof ComputationGraph g) {
            g.getConfiguration().setIterationCount(epochStart + trained()[0]);
        }
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        trained()[0]++;
    }
}
