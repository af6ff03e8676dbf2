package io.convoy.worker.monitor;

import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithmReducer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A DL4J threshold algorithm that delegates every decision and records, in {@link EncodingStats}, how the previous
 * message was encoded: DL4J hands each call the last iteration's encoding (dense or sparse, and the sparse message's
 * share of values), which is all that is needed to count the bytes sent. The first message of each epoch and worker
 * thread has no predecessor, so the last message of a thread's epoch is not counted.
 */
public final class RecordingThresholdAlgorithm implements ThresholdAlgorithm {
    private static final long serialVersionUID = 1L;

    private final ThresholdAlgorithm delegate;

    public RecordingThresholdAlgorithm(ThresholdAlgorithm delegate) {
        this.delegate = delegate;
    }

    public ThresholdAlgorithm delegate() {
        return delegate;
    }

    @Override
    public double calculateThreshold(int iteration, int epoch, Double lastThreshold, Boolean lastWasDense,
                                     Double lastSparsityRatio, INDArray updatesPlusResidual) {
        if (lastWasDense != null && updatesPlusResidual != null) {
            EncodingStats.record(updatesPlusResidual.length(), lastWasDense,
                    lastSparsityRatio == null ? 0.0 : lastSparsityRatio);
        }
        return delegate.calculateThreshold(iteration, epoch, lastThreshold, lastWasDense, lastSparsityRatio,
                updatesPlusResidual);
    }

    @Override
    public ThresholdAlgorithmReducer newReducer() {
        return new Reducer(delegate.newReducer());
    }

    @Override
    public ThresholdAlgorithm clone() {
        return new RecordingThresholdAlgorithm(delegate.clone());
    }

    @Override
    public String toString() {
        return "Recording(" + delegate + ")";
    }

    /** DL4J's reducers cast what they are given to their own algorithm: hand them the delegates. */
    private static final class Reducer implements ThresholdAlgorithmReducer {
        private static final long serialVersionUID = 1L;
        private final ThresholdAlgorithmReducer inner;

        Reducer(ThresholdAlgorithmReducer inner) {
            this.inner = inner;
        }

        @Override
        public void add(ThresholdAlgorithm instance) {
            inner.add(instance instanceof RecordingThresholdAlgorithm r ? r.delegate : instance);
        }

        @Override
        public ThresholdAlgorithmReducer merge(ThresholdAlgorithmReducer other) {
            return new Reducer(inner.merge(other instanceof Reducer r ? r.inner : other));
        }

        @Override
        public ThresholdAlgorithm getFinalResult() {
            return new RecordingThresholdAlgorithm(inner.getFinalResult());
        }
    }
}
