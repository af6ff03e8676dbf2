package io.convoy.driver.train;

import io.convoy.worker.monitor.LiveWorkspaces;
import io.convoy.worker.transport.TimerSlack;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.TaskCompletionListener;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.parameterserver.conf.SharedTrainingConfiguration;
import org.deeplearning4j.spark.parameterserver.pw.SharedTrainingWrapper;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingWorker;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * DL4J's gradient-sharing worker, whose executor JVM starts DL4J's transport threads with a wider timer slack
 * ({@link TimerSlack} says why). DL4J asks the worker for its initial model on the task thread just before it creates
 * the transport (first task of each executor JVM): the slack is widened there, the transport's threads keep it, and
 * the task thread gets its own back at its first training iteration. At the end of each task's training the task
 * thread hands its network workspaces over to the next task's thread ({@link TaskWorkspaces}).
 *
 * <p>And a task whose fit failed fails. DL4J's {@code SharedTrainingWrapper} catches whatever its training thread's fit
 * throws, logs "Exception encountered during fit operation" as a warning and returns a result as if the task had
 * trained: only its feeder threads rethrow, and with one worker per executor there are none. The failure came to light
 * on 2026-12-03, when every update after epoch 1 failed ("Workspace is full") and the epochs went on, at three times
 * their speed and without learning. DL4J reads the worker's training configuration at the start of every task's
 * training ({@link #getBroadcastConfiguration}); the worker registers a task completion listener there that fails the
 * task with {@link SharingFitFailedException} when the wrapper recorded an exception.
 */
final class QuietTransportWorker extends SharedTrainingWorker {
    private static final long serialVersionUID = 1L;

    private final long timerSlackNanos;
    /** The Spark task attempt whose completion listener is registered (the worker is deserialised once per task). */
    private transient Long lastTaskAttempt;

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
    public Broadcast<SharedTrainingConfiguration> getBroadcastConfiguration() {
        TaskContext task = TaskContext.get();
        if (task != null && (lastTaskAttempt == null || lastTaskAttempt != task.taskAttemptId())) {
            lastTaskAttempt = task.taskAttemptId();
            long instance = getInstanceId();
            task.addTaskCompletionListener((TaskCompletionListener) context -> failIfFitFailed(instance));
        }
        return super.getBroadcastConfiguration();
    }

    /** Throws {@link SharingFitFailedException} when DL4J's wrapper of this training instance caught a fit failure. */
    static void failIfFitFailed(long instanceId) {
        SharedTrainingWrapper wrapper = SharedTrainingWrapper.getInstance(instanceId);
        try {
            if (((AtomicBoolean) wrapperField("exceptionEncountered").get(wrapper)).get()) {
                Throwable cause = (Throwable) wrapperField("exception").get(wrapper);
                throw new SharingFitFailedException("gradient sharing: the fit of this task's minibatches failed ("
                        + (cause == null ? "no exception recorded" : rootMessage(cause)) + "); DL4J only logged it", cause);
            }
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read DL4J's SharedTrainingWrapper state (another DL4J version?)", e);
        }
    }

    /** A field of DL4J's wrapper where its catch block records a fit failure ({@code exceptionEncountered}, {@code exception}). */
    static Field wrapperField(String name) throws NoSuchFieldException {
        Field f = SharedTrainingWrapper.class.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }

    private static String rootMessage(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    @Override
    public List<TrainingListener> getListeners() {
        List<TrainingListener> listeners = new ArrayList<>();
        if (super.getListeners() != null) {
            listeners.addAll(super.getListeners());
        }
        listeners.add(new RestoreTimerSlack());
        listeners.add(new TaskWorkspaces());
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

    /**
     * What becomes of the task thread's training workspaces when DL4J's fit of the task's data ends. With one worker
     * per executor DL4J trains on the Spark task thread itself, and the task pool runs consecutive epochs' tasks on
     * whichever of its threads is free: left alone, each thread that ever trained keeps its own full set (the memory
     * section of BENCHMARKS.md showed the step from one set to two, +196 MB, in epoch 6 of 20). The default hands the
     * set over to the thread that trains next ({@link LiveWorkspaces#handOver()}, taken when that fit starts, before
     * its first minibatch): one set per executor JVM, allocated once. {@code free} frees it at the end of every task
     * and the next task allocates it again (Convoy's way before the hand-over); {@code keep} leaves it (DL4J's way).
     * Only a Spark task thread hands over or frees: with several workers per executor DL4J trains on its own
     * long-lived threads, which keep their sets.
     */
    static final class TaskWorkspaces extends BaseTrainingListener implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        /** {@code -Dconvoy.sharing.workspaces=handover|free|keep} on the executors (for comparison). */
        static final String PROPERTY = "convoy.sharing.workspaces";

        enum Mode { HANDOVER, FREE, KEEP }

        static Mode mode() {
            String value = System.getProperty(PROPERTY, "handover");
            try {
                return Mode.valueOf(value.trim().toUpperCase(java.util.Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("-D" + PROPERTY + "=" + value + ": expected handover, free or keep", e);
            }
        }

        @Override
        public void onEpochStart(Model model) {
            if (TaskContext.get() != null && mode() == Mode.HANDOVER) {
                LiveWorkspaces.takeOver();
            }
        }

        @Override
        public void onEpochEnd(Model model) {
            if (TaskContext.get() == null) {
                return;
            }
            switch (mode()) {
                case HANDOVER -> LiveWorkspaces.handOver();
                case FREE -> LiveWorkspaces.releaseCurrentThread();
                case KEEP -> { }
            }
        }
    }
}
