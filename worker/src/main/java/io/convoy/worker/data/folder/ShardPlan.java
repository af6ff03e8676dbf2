package io.convoy.worker.data.folder;

import java.io.Serializable;
import java.util.List;

/**
 * The files that go into one shard, in record-id order.
 *
 * @param split     "train" or "test"
 * @param index     the shard's index in its split
 * @param outputDir the split's directory (Hadoop URI)
 */
public record ShardPlan(String split, int index, String outputDir, List<ImageFile> files) implements Serializable {
}
