package io.convoy.driver.train;

import io.convoy.worker.transport.TimerSlack;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.parameterserver.conf.SharedTrainingConfiguration;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingWorker;

import java.util.ArrayList;
import java.util.List;

/**
 * DL4J's gradient-sharing worker, whose executor JVM starts DL4J's transport threads with a wider timer slack
 * ({@link TimerSlack} says why). DL4J asks the worker for its initial model on the task thread just before it creates
 * the transport (first task of each executor JVM): the slack is widened there, the transport's threads keep it, and
 * the task thread gets its own back at its first training iteration.
 */
final class QuietTransportWorker extends SharedTrainingWorker {
    private static final long serialVersionUID = 1L;

    private final long timerSlackNanos;

    QuietTransportWorker(long instanceId, Broadcast<NetBroadcastTuple> model,
                         Broadcast<SharedTrainingConfiguration> configuration, List<TrainingListener> listeners,
                         StatsStorageRouter router, Boolean periodicGc, Integer periodicGcFrequency,
                         long timerSlackNanos) {
        super(instanceId, model, configuration, listeners, router, periodicGc, periodicGcFrequency);
        this.timerSlackNanos = timerSlackNanos;
    }

    @Override
    public MultiLayerNetwork getInitialModel() {
        TimerSlack.widen(timerSlackNanos); // DL4J asks for this one first, for networks and graphs alike
        return super.getInitialModel();
    }

    @Override
    public ComputationGraph getInitialModelGraph() {
        TimerSlack.widen(timerSlackNanos);
        return super.getInitialModelGraph();
    }

    @Override
    public List<TrainingListener> getListeners() {
        List<TrainingListener> listeners = new ArrayList<>();
        if (super.getListeners() != null) {
            listeners.addAll(super.getListeners());
        }
        listeners.add(new RestoreTimerSlack());
        return listeners;
    }

    /** Gives the training thread back its own slack once the transport is running (a no-op after that). */
    static final class RestoreTimerSlack extends BaseTrainingListener implements java.io.Serializable {
        private static final long serialVersionUID = 1L;

        @Override
        public void iterationDone(Model model, int iteration, int epoch) {
            TimerSlack.restore();
        }
    }
}
