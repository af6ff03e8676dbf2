package io.convoy.worker.batch;

import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.shard.ShardRecord;
import java.io.Serializable;
import java.util.List;
import org.apache.spark.util.CollectionAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budget for corrupt records in one pass over a split: each is skipped with a warning naming its
 * shard and record id, and reported to the driver through an accumulator (the driver checks the
 * total); a task that alone meets more than {@code max} stops the job at once.
 *
 * @param shardNames the split's shard files, by shard index
 * @param found      where tasks report "shard/record id: reason" (null: only the per-task limit)
 * @param limitName  the setting that holds {@code max}, for the messages
 */
public record CorruptRecords(int max, List<String> shardNames, CollectionAccumulator<String> found, String limitName)
        implements Serializable {
    private static final Logger log = LoggerFactory.getLogger(CorruptRecords.class);

    public CorruptRecords(int max, List<String> shardNames, CollectionAccumulator<String> found) {
        this(max, shardNames, found, "data.max-bad-records");
    }

    /** Called by a task per corrupt record; {@code seenInTask} counts this one. */
    public void skip(ShardRecord r, InvalidDataException e, int seenInTask) {
        skip("shard " + shardNames.get(r.shard()) + " record id " + r.id(), e, seenInTask);
    }

    /**
     * Called by a task per corrupt item (an image file, a record) that {@code what} names.
     *
     * @throws TooManyCorruptRecords when this task alone has met more than {@code max}
     */
    public void skip(String item, InvalidDataException e, int seenInTask) {
        String what = item + ": " + e.getMessage();
        log.warn("skipping corrupt record ({} in this task, {} = {}): {}", seenInTask, limitName, max, what);
        if (found != null) {
            found.add(what);
        }
        if (seenInTask > max) {
            throw new TooManyCorruptRecords("more than " + limitName + " = " + max
                    + " corrupt records in one task; the last: " + what, e);
        }
    }

    /** The budget is spent: the input is bad (an {@link InvalidDataException}). */
    public static final class TooManyCorruptRecords extends InvalidDataException {
        public TooManyCorruptRecords(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
