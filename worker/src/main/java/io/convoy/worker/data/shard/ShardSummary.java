package io.convoy.worker.data.shard;

import java.io.Serializable;

/** What writing one shard produced: its name within the split directory, record count, size and SHA-256. */
public record ShardSummary(String file, long records, long bytes, String sha256) implements Serializable {
}
