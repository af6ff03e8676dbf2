package io.convoy.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.spark.SparkContexts;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.spark.parameterserver.conf.SharedTrainingConfiguration;
import org.deeplearning4j.spark.parameterserver.pw.SharedTrainingWrapper;
import org.junit.jupiter.api.Test;

/**
 * DL4J's SharedTrainingWrapper swallows its training thread's fit failure (a warning in the executor log); Convoy's
 * worker makes the Spark task fail instead. Real Spark tasks on local[1]: each asks its worker for the training
 * configuration, as DL4J does at the start of a task's training, then records in DL4J's wrapper what its catch block
 * records (or nothing).
 */
class SharingFitFailureTest {
    private static final long INSTANCE = 7_7070L;

    /** What SharedTrainingWrapper.run's catch block does with a fit failure. */
    private static void recordAsDl4jDoes(Throwable t) throws ReflectiveOperationException {
        SharedTrainingWrapper wrapper = SharedTrainingWrapper.getInstance(INSTANCE);
        ((AtomicBoolean) QuietTransportWorker.wrapperField("exceptionEncountered").get(wrapper)).set(t != null);
        QuietTransportWorker.wrapperField("exception").set(wrapper, t);
    }

    private static int task(QuietTransportWorker worker, boolean fail) throws Exception {
        worker.getBroadcastConfiguration();
        worker.getBroadcastConfiguration(); // asked again in the same task: one listener
        recordAsDl4jDoes(fail ? new RuntimeException("wrapped",
                new IllegalStateException("Can't allocate memory: Workspace is full")) : null);
        return 1;
    }

    @Test
    void aTaskWhoseFitFailedFailsWithDl4jsCause() throws Exception {
        try (JavaSparkContext sc = SparkContexts.create(new SparkSettings("local[1]", "sharing-fit-failure",
                Map.of("spark.ui.enabled", "false")))) {
            Broadcast<SharedTrainingConfiguration> conf = sc.broadcast(SharedTrainingConfiguration.builder().build());
            QuietTransportWorker worker = new QuietTransportWorker(INSTANCE, null, conf, List.of(), null, false, 0, 0);
            assertEquals(List.of(1, 1), sc.parallelize(List.of(0, 1), 2).map(i -> task(worker, false)).collect(),
                    "tasks that trained finish");
            SparkException e = assertThrows(SparkException.class,
                    () -> sc.parallelize(List.of(0), 1).map(i -> task(worker, true)).collect());
            String message = String.valueOf(e.getMessage());
            assertTrue(message.contains("gradient sharing: the fit of this task's minibatches failed")
                    && message.contains("IllegalStateException: Can't allocate memory: Workspace is full"), message);
            // the next task starts clean (DL4J resets the wrapper at the start of its training)
            assertEquals(List.of(1), sc.parallelize(List.of(0), 1).map(i -> task(worker, false)).collect());
        } finally {
            recordAsDl4jDoes(null);
        }
    }

    @Test
    void theCheckReadsTheWrappersState() throws Exception {
        try {
            recordAsDl4jDoes(null);
            QuietTransportWorker.failIfFitFailed(INSTANCE);
            recordAsDl4jDoes(new RuntimeException("boom"));
            SharingFitFailedException e = assertThrows(SharingFitFailedException.class,
                    () -> QuietTransportWorker.failIfFitFailed(INSTANCE));
            assertTrue(e.getMessage().contains("RuntimeException: boom"), e.getMessage());
        } finally {
            recordAsDl4jDoes(null);
        }
    }
}
