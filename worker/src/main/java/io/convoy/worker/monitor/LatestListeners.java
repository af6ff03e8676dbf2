package io.convoy.worker.monitor;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
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

    private final List<TrainingListener> delegates;

    public LatestListeners(List<TrainingListener> delegates) {
        this.delegates = List.copyOf(delegates);
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        latest = this;
    }

    /** The listeners calls go to now. */
    List<TrainingListener> current() {
        LatestListeners l = latest;
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
