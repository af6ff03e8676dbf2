package io.convoy.worker.monitor;

import java.io.Serializable;
import org.apache.spark.TaskContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;

/**
 * An executor-side DL4J listener: the minibatch loss of this worker's copy of the network after every iteration,
 * sent to the driver through a Spark accumulator as {stage id, iteration within this task, loss}. Under parameter
 * averaging each averaging round is one Spark stage, and DL4J starts every round's workers at the iteration count
 * of the epoch's start (not of the round), so the driver numbers the iterations itself: round (the stage's rank)
 * x averaging frequency + iteration within the task.
 */
public final class LossSampler extends BaseTrainingListener implements Serializable {
    private static final long serialVersionUID = 1L;

    private final CollectionAccumulator<double[]> samples;
    /** Iterations seen by this task's copy of the listener (each task deserialises its own). */
    private transient int seen;

    public LossSampler(CollectionAccumulator<double[]> samples) {
        this.samples = samples;
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
        TaskContext task = TaskContext.get();
        samples.add(new double[] {task == null ? -1 : task.stageId(), ++seen, model.score()});
    }
}
