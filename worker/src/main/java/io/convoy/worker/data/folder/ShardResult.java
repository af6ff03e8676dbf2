package io.convoy.worker.data.folder;

import io.convoy.worker.data.shard.ShardSummary;
import java.io.Serializable;
import java.util.List;

/**
 * What converting one shard produced: the shard, per-channel pixel sums and sums of squares of the
 * decoded images (for the manifest's mean and std), and the files skipped, each with the reason.
 */
public record ShardResult(String split, int index, ShardSummary shard, long[] sum, long[] sumSquares, long pixelsPerChannel,
                          List<String> skipped) implements Serializable {
}
