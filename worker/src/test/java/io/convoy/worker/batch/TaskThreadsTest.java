package io.convoy.worker.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.nativeblas.NativeOpsHolder;

/** The thread budget reaches libnd4j and the task thread's OpenMP through a real local Spark job. */
class TaskThreadsTest {

    @Test
    void sharesTheCoresAmongConcurrentTasks() {
        assertEquals(1, TaskThreads.perTask(2, 2));
        assertEquals(2, TaskThreads.perTask(2, 1));
        assertEquals(1, TaskThreads.perTask(2, 8), "more tasks than cores: still one thread each");
        assertEquals(4, TaskThreads.perTask(8, 2));
        assertEquals(2, TaskThreads.perTask(8, 3), "the remainder is left idle, not oversubscribed");
        assertEquals(1, TaskThreads.perTask(1, 0));
    }

    @Test
    void theJobsBudgetIsAppliedOnTheTaskThreadAndCanBeRaisedAgain() {
        assumeTrue(System.getenv("OMP_NUM_THREADS") == null, "OMP_NUM_THREADS set: the user's choice wins");
        SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("task-threads-test")
                .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1");
        int defaultThreads = Nd4j.getEnvironment().maxMasterThreads();
        assumeTrue(defaultThreads >= 2, "a machine of one core has no budget to share");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLocalProperty(TaskThreads.PROPERTY, "1");
            assertEquals(List.of(List.of(1, 1), List.of(1, 1)), budgets(sc));
            sc.setLocalProperty(TaskThreads.PROPERTY, "2");
            assertEquals(List.of(List.of(2, 2), List.of(2, 2)), budgets(sc));
        } finally {
            Nd4j.getEnvironment().setMaxMasterThreads(defaultThreads);
        }
    }

    /** Per task: libnd4j's loop threads, and OpenMP's on the task's thread, after the budget is applied. */
    private static List<List<Integer>> budgets(JavaSparkContext sc) {
        return sc.parallelize(List.of(0, 1), 2).map(i -> {
            TaskThreads.applyToCurrentTask();
            var env = Nd4j.getEnvironment();
            return List.of(env.maxMasterThreads(),
                    NativeOpsHolder.getInstance().getDeviceNativeOps().ompGetMaxThreads());
        }).collect();
    }
}
