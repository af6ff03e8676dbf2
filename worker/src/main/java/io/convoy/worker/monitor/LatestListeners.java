package io.convoy.worker.monitor;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.TaskContext;
import org.apache.spark.util.TaskCompletionListener;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The listeners of gradient sharing's workers, as the driver set them for the epoch being trained. DL4J's
 * {@code SharedTrainingWrapper} keeps each executor's network from the first epoch on and attaches listeners to it
 * only then: the instances the driver sends with each later epoch's tasks are deserialised and never called. So
 * the one instance DL4J keeps forwards every call to the instance this JVM deserialised last, which is the current
 * epoch's (its tasks are deserialised before they train); until another arrives it forwards to its own.
 *
 * <p>Without it the first epoch's listeners ran all run long: its iteration clock counted from the first epoch's
 * start, and the phase timer counted the time between epochs as waiting for data.
 */
public final class LatestListeners extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;

    private static volatile LatestListeners latest;
    /** The instance each running Spark task deserialised, by task attempt. */
    private static final Map<Long, LatestListeners> BY_TASK = new ConcurrentHashMap<>();

    private final List<TrainingListener> delegates;

    public LatestListeners(List<TrainingListener> delegates) {
        this.delegates = List.copyOf(delegates);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        latest = this;
        TaskContext task = TaskContext.get();
        if (task != null) {
            long id = task.taskAttemptId();
            BY_TASK.put(id, this);
            task.addTaskCompletionListener((TaskCompletionListener) done -> BY_TASK.remove(id));
        }
    }

    /**
     * The listeners calls go to now: those of the task this thread runs (on {@code local} masters the partitions of
     * one JVM are all fed to the network of the first task, and what a listener adds to a Spark accumulator counts
     * only if its task is still running), else those deserialised last.
     */
    List<TrainingListener> current() {
        TaskContext task = TaskContext.get();
        LatestListeners l = task != null ? BY_TASK.get(task.taskAttemptId()) : null;
        if (l == null) {
            l = latest;
        }
        return (l != null ? l : this).delegates;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        current().forEach(d -> d.iterationDone(model, iteration, epoch));
    }

    @Override
    public void onEpochStart(Model model) {
        current().forEach(d -> d.onEpochStart(model));
    }

    @Override
    public void onEpochEnd(Model model) {
        current().forEach(d -> d.onEpochEnd(model));
    }

    @Override
    public void onForwardPass(Model model, List<INDArray> activations) {
        current().forEach(d -> d.onForwardPass(model, activations));
    }

    @Override
    public void onForwardPass(Model model, Map<String, INDArray> activations) {
        current().forEach(d -> d.onForwardPass(model, activations));
    }

    @Override
    public void onGradientCalculation(Model model) {
        current().forEach(d -> d.onGradientCalculation(model));
    }

    @Override
    public void onBackwardPass(Model model) {
        current().forEach(d -> d.onBackwardPass(model));
    }
}
