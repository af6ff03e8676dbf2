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
 */
public record CorruptRecords(int max, List<String> shardNames, CollectionAccumulator<String> found)
        implements Serializable {
    private static final Logger log = LoggerFactory.getLogger(CorruptRecords.class);

    /** Called by a task per corrupt record; {@code seenInTask} counts this one. */
    public void skip(ShardRecord r, InvalidDataException e, int seenInTask) {
        String what = "shard " + shardNames.get(r.shard()) + " record id " + r.id() + ": " + e.getMessage();
        log.warn("skipping corrupt record ({} in this task, data.max-bad-records = {}): {}", seenInTask, max, what);
        if (found != null) {
            found.add(what);
        }
        if (seenInTask > max) {
            throw new InvalidDataException("more than data.max-bad-records = " + max
                    + " corrupt records in one task; the last: " + what, e);
        }
    }
}
