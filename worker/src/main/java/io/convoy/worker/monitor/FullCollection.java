package io.convoy.worker.monitor;

/**
 * One full garbage collection per JVM per request, however many tasks of the request land in the JVM.
 *
 * <p>Why Convoy collects after every epoch (issue 14): ND4J frees an array's native buffer only when the garbage
 * collector reaches its Java object (or on {@code close()}), and nothing ties collections to native memory (JavaCPP's
 * {@code maxbytes} does not count libnd4j's buffers). DL4J leaves most of its arrays to the collector (averaged
 * parameter sums, each round's worker networks, deserialised minibatches); those that reach the old generation wait
 * for an old-generation collection, which a heap of a few hundred live MB rarely needs. Spark's ContextCleaner, too,
 * drops broadcasts and RDDs only after the driver has collected their handles. Measured on the quickstart: ND4J's live
 * arrays grew by ~1 GB per epoch until such a collection came.
 */
public final class FullCollection {
    private static long lastRequest = Long.MIN_VALUE;
    /** ND4J frees the buffers of collected arrays on its own deallocator threads: give them this long to finish. */
    private static final long SETTLE_MILLIS = 5_000;
    private static final long POLL_MILLIS = 100;

    private FullCollection() {
    }

    /** Runs a full collection unless this JVM already ran one for {@code request}; @return whether it ran one. */
    public static synchronized boolean collectOnce(long request) {
        if (request == lastRequest) {
            return false;
        }
        lastRequest = request;
        System.gc();
        awaitDeallocation();
        return true;
    }

    /**
     * Waits until libnd4j's count of live array bytes stops falling (two equal readings {@value #POLL_MILLIS} ms apart),
     * at most {@value #SETTLE_MILLIS} ms: on a loaded machine the deallocator threads were seen to lag a sample taken
     * right after the collection by hundreds of MB.
     */
    static void awaitDeallocation() {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
        long last = ExecutorSnapshot.nd4jHostBytes();
        try {
            while (System.nanoTime() < deadline) {
                Thread.sleep(POLL_MILLIS);
                long now = ExecutorSnapshot.nd4jHostBytes();
                if (now == last) {
                    return;
                }
                last = now;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
