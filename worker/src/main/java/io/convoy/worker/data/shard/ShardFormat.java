package io.convoy.worker.data.shard;

import java.nio.ByteBuffer;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.LongWritable;

/**
 * The record layout of Convoy's shards: Hadoop SequenceFiles, uncompressed, with key
 * {@link LongWritable} = record id and value {@link BytesWritable} = a 4-byte big-endian label
 * followed by the image bytes. Only Hadoop's own Writable classes are used, so any Hadoop or Spark
 * reader ({@code sc.sequenceFile(path, LongWritable.class, BytesWritable.class)}) can read the shards
 * without Convoy on its classpath.
 */
public final class ShardFormat {
    public static final Class<LongWritable> KEY_CLASS = LongWritable.class;
    public static final Class<BytesWritable> VALUE_CLASS = BytesWritable.class;
    public static final String EXTENSION = ".seq";
    static final int LABEL_BYTES = 4;

    private ShardFormat() {
    }

    /** The value bytes for a record: label, then payload. */
    public static byte[] value(int label, byte[] payload) {
        return ByteBuffer.allocate(LABEL_BYTES + payload.length).putInt(label).put(payload).array();
    }

    /** The shard file name of shard {@code index} of a split: {@code part-00007.seq}. */
    public static String fileName(int index) {
        return String.format("part-%05d%s", index, EXTENSION);
    }
}
