package io.convoy.driver.data;

import java.io.Serializable;
import org.apache.spark.Partitioner;

/**
 * One epoch of parameter averaging laid out before any record is decoded: partition {@code r * workers + p} holds
 * the records of worker {@code p}'s minibatches of averaging round {@code r}. Worker {@code p} has the epoch's
 * positions {@code floor(p*n/workers) .. floor((p+1)*n/workers)-1} (as {@link EvenRangePartitioner} and Spark's
 * {@code parallelize} cut them), cut into minibatches of {@code batchSize} in that order; round {@code r} is its
 * minibatches {@code r*frequency .. r*frequency+frequency-1}. The same records, minibatches and rounds as cutting a
 * decoded epoch into rounds afterwards, without holding it: each round's tasks decode their own records.
 *
 * @param records   the epoch's training records
 * @param workers   the workers (Spark tasks per round)
 * @param batchSize records per minibatch of one worker
 * @param frequency minibatches per worker between two averagings
 */
public record RoundLayout(long records, int workers, int batchSize, int frequency) implements Serializable {
    public RoundLayout {
        if (records <= 0 || workers <= 0 || batchSize <= 0 || frequency <= 0) {
            throw new IllegalArgumentException("need records, workers, batch size and frequency > 0, got "
                    + records + ", " + workers + ", " + batchSize + ", " + frequency);
        }
    }

    /** The first position of worker {@code p}. */
    long start(int p) {
        return p * records / workers;
    }

    long size(int p) {
        return start(p + 1) - start(p);
    }

    /** Minibatches of worker {@code p}: the last one may be smaller. */
    long minibatches(int p) {
        return (size(p) + batchSize - 1) / batchSize;
    }

    /** The epoch's minibatches, over all workers. */
    public long minibatches() {
        long total = 0;
        for (int p = 0; p < workers; p++) {
            total += minibatches(p);
        }
        return total;
    }

    /** Averaging rounds: enough for the worker with the most minibatches. */
    public int rounds() {
        long most = minibatches(0);
        for (int p = 1; p < workers; p++) {
            most = Math.max(most, minibatches(p));
        }
        return (int) Math.max(1, (most + frequency - 1) / frequency);
    }

    public int partitions() {
        return rounds() * workers;
    }

    /** The partition of the record at position {@code pos} (0 .. records-1) of the epoch's order. */
    public int partitionOf(long pos) {
        int p = EvenRangePartitioner.partitionOf(pos, records, workers);
        long minibatch = (pos - start(p)) / batchSize;
        return (int) (minibatch / frequency) * workers + p;
    }

    /** Routes positions (a {@code Long} key) to their partitions. */
    public Partitioner partitioner() {
        return new ByPosition(this);
    }

    private static final class ByPosition extends Partitioner {
        private static final long serialVersionUID = 1L;
        private final RoundLayout layout;
        private final int partitions;

        ByPosition(RoundLayout layout) {
            this.layout = layout;
            this.partitions = layout.partitions();
        }

        @Override
        public int numPartitions() {
            return partitions;
        }

        @Override
        public int getPartition(Object key) {
            return layout.partitionOf((Long) key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ByPosition b && b.layout.equals(layout);
        }

        @Override
        public int hashCode() {
            return layout.hashCode();
        }
    }
}
