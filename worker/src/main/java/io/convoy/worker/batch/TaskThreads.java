package io.convoy.worker.batch;

import org.apache.spark.TaskContext;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * The compute threads one training task may use, applied on the task's own thread before its first minibatch.
 * Several tasks that share one JVM (Spark's {@code local[*]}: a worker per core) each default to every core, so
 * libnd4j's loops and OpenMP (oneDNN's convolutions) oversubscribe the machine; one thread per task measured 308 -> 356
 * img/s on the full-MNIST quickstart, and 450 -> 578 on top of the round split (README, Performance). The driver sets the budget as a local property of the job
 * ({@link #PROPERTY}); an {@code OMP_NUM_THREADS} in the environment is the user's choice and wins, and
 * {@code -Dconvoy.task-threads=false} leaves libnd4j's defaults alone (for A/B benchmarks).
 */
public final class TaskThreads {
    /** Spark local property: threads per training task, absent = leave libnd4j as it is. */
    public static final String PROPERTY = "convoy.threads-per-task";

    private TaskThreads() {
    }

    /** The budget for {@code tasks} concurrent tasks on {@code cores} cores: at least one thread each. */
    public static int perTask(int cores, int tasks) {
        return Math.max(1, cores / Math.max(1, Math.min(tasks, cores)));
    }

    /** Applies the running task's budget, if its job has one, to libnd4j (process-wide) and to this thread's OpenMP. */
    static void applyToCurrentTask() {
        TaskContext task = TaskContext.get();
        String value = task == null ? null : task.getLocalProperty(PROPERTY);
        if (value == null || System.getenv("OMP_NUM_THREADS") != null
                || !Boolean.parseBoolean(System.getProperty("convoy.task-threads", "true"))) {
            return;
        }
        int threads = Integer.parseInt(value);
        // libnd4j's loops split over maxMasterThreads (its pool size, maxThreads, is fixed when it loads: setting
        // it does nothing in M2.1), so the budget goes there
        var env = Nd4j.getEnvironment();
        if (env.maxMasterThreads() != threads) {
            env.setMaxMasterThreads(threads);
        }
        // OpenMP's thread count is per calling thread: set it on the thread that will run this task's ops
        NativeOpsHolder.getInstance().getDeviceNativeOps().setOmpNumThreads(threads);
    }
}
