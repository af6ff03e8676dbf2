package io.convoy.worker.batch;

import java.io.Serializable;
import org.apache.spark.util.AccumulatorV2;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;

/**
 * The BatchNorm running statistics of gradient sharing's workers, brought to the driver through a Spark accumulator:
 * each worker's network adds its running means and variances when it has gone through its partition
 * ({@link #listener}), and the driver {@link BatchNormStatistics#applyTo applies} their average, as parameter
 * averaging averages them. The workers keep exact running averages of their own minibatches because Convoy's
 * BatchNorm layers update them in place there and send nothing of them (FastBatchNorm's local statistics), where
 * DL4J's layer sends them threshold-encoded with the gradients and the result is unusable without a recomputation.
 *
 * <p>Spark merges the additions of successful tasks only; the driver reads {@link #value} after the epoch.
 */
public final class RunningStatistics extends AccumulatorV2<BatchNormStatistics, BatchNormStatistics> {
    private static final long serialVersionUID = 1L;

    private BatchNormStatistics sum = new BatchNormStatistics();

    @Override
    public boolean isZero() {
        return sum.batches() == 0;
    }

    @Override
    public RunningStatistics copy() {
        RunningStatistics c = new RunningStatistics();
        c.sum = sum.merge(new BatchNormStatistics());
        return c;
    }

    @Override
    public void reset() {
        sum = new BatchNormStatistics();
    }

    @Override
    public synchronized void add(BatchNormStatistics v) {
        sum = sum.merge(v);
    }

    @Override
    public synchronized void merge(AccumulatorV2<BatchNormStatistics, BatchNormStatistics> other) {
        sum = sum.merge(other.value());
    }

    /** The sums of every worker's statistics; {@link BatchNormStatistics#batches} is the number of workers. */
    @Override
    public synchronized BatchNormStatistics value() {
        return sum;
    }

    /** A listener that adds its network's running statistics here at the end of each pass over a partition. */
    public TrainingListener listener() {
        return new Listener(this);
    }

    private static final class Listener extends BaseTrainingListener implements Serializable {
        private static final long serialVersionUID = 1L;
        private final RunningStatistics target;

        Listener(RunningStatistics target) {
            this.target = target;
        }

        @Override
        public void onEpochEnd(Model model) {
            if (model instanceof ComputationGraph g) {
                target.add(BatchNormStatistics.running(g));
            }
        }
    }
}
