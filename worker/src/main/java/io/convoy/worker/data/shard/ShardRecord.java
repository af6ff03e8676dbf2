package io.convoy.worker.data.shard;

import java.io.Serializable;

/**
 * One record of a shard as it travels through Spark: the label, the stored image bytes (raw pixels
 * or an encoded JPEG/PNG, as the manifest's encoding says) and where it came from.
 *
 * @param shard   index of the shard in its split (names are in the manifest)
 * @param index   position of the record in its split, 0..records-1 over the shards in order
 * @param id      the record id written by prepare-data (source order); seeds the record's augmentation
 * @param label   class index
 * @param payload the image bytes
 */
public record ShardRecord(int shard, long index, long id, int label, byte[] payload) implements Serializable {
}
