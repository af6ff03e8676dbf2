package io.convoy.driver.train;

import io.convoy.worker.monitor.FullCollection;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After each epoch: a full collection in the driver, so that Spark's ContextCleaner removes the broadcasts, RDDs
 * and shuffles whose handles died during the epoch, then one in every executor JVM, so that ND4J frees the native
 * buffers of the arrays that died there (see {@link FullCollection} for why this is needed at all). Off with
 * {@code -Dconvoy.epoch-gc=false}.
 */
final class EpochCleanup {
    private static final Logger log = LoggerFactory.getLogger(EpochCleanup.class);
    static final String PROPERTY = "convoy.epoch-gc";
    private static final int TASKS_PER_EXECUTOR = 4;
    /** Time for the ContextCleaner's thread to act on what the driver's collection found. */
    private static final long CLEANER_MILLIS = 500;

    private EpochCleanup() {
    }

    static void run(JavaSparkContext sc) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true"))) {
            return;
        }
        long start = System.nanoTime();
        try {
            System.gc();
            Thread.sleep(CLEANER_MILLIS);
            long request = System.nanoTime();
            int executors = Math.max(1, sc.sc().getExecutorMemoryStatus().size() - (sc.sc().isLocal() ? 0 : 1));
            int tasks = TASKS_PER_EXECUTOR * executors;
            long collected = sc.parallelize(IntStream.range(0, tasks).boxed().toList(), tasks)
                    .filter(i -> FullCollection.collectOnce(request)).count();
            log.debug("epoch clean-up: {} executor JVM(s) collected in {} ms", collected,
                    (System.nanoTime() - start) / 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("epoch clean-up failed (training goes on): {}", e.toString());
        }
    }
}
