package io.convoy.worker.monitor;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J listener on the executors' networks that times each training iteration's phases into this JVM's
 * {@link WorkTimes}: DL4J calls it after the forward pass, after the backward pass, and when the iteration is done
 * (after the updater and, under gradient sharing, after encoding this worker's update and applying the others').
 * The marks are per thread and per listener instance: each task deserialises its own, so a task's first iteration
 * has no predecessor and its wait for the first minibatch is not counted.
 */
public final class IterationPhases extends BaseTrainingListener implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Per thread: end of the last iteration, end of the forward pass, end of the backward pass (0 = none yet). */
    private transient ThreadLocal<long[]> marks;

    private long[] marks() {
        if (marks == null) {
            synchronized (this) {
                if (marks == null) {
                    marks = ThreadLocal.withInitial(() -> new long[3]);
                }
            }
        }
        return marks.get();
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        forwardDone();
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        forwardDone();
    }

    private void forwardDone() {
        long now = System.nanoTime();
        long[] m = marks();
        if (m[0] != 0) {
            WorkTimes.DATA_FORWARD.add(now - m[0]);
        }
        m[1] = now;
    }

    @Override
    public void onBackwardPass(Model model) {
        long now = System.nanoTime();
        long[] m = marks();
        if (m[1] != 0) {
            WorkTimes.BACKWARD.add(now - m[1]);
        }
        m[2] = now;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        long now = System.nanoTime();
        long[] m = marks();
        if (m[2] != 0) {
            WorkTimes.STEP.add(now - m[2]);
            WorkTimes.ITERATIONS.increment();
        }
        m[0] = now;
        m[1] = 0;
        m[2] = 0;
    }
}
