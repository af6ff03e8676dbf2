package io.convoy.worker.data.shard;

import io.convoy.worker.data.InvalidDataException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.SequenceFile;

/** Streams the records of one shard; the reader closes itself at the end. */
public final class ShardReader implements Iterator<ShardRecord>, AutoCloseable {
    private final SequenceFile.Reader reader;
    private final Path path;
    private final int shard;
    private final LongWritable key = new LongWritable();
    private final BytesWritable value = new BytesWritable();
    private long index;
    private ShardRecord next;
    private boolean done;

    /**
     * @param shard      the shard's index in its split
     * @param firstIndex the split position of the shard's first record
     */
    public ShardReader(Path path, int shard, long firstIndex, Configuration conf) {
        this.path = path;
        this.shard = shard;
        this.index = firstIndex;
        try {
            this.reader = new SequenceFile.Reader(conf, SequenceFile.Reader.file(path));
        } catch (IOException e) {
            throw new InvalidDataException("cannot open shard " + path + ": " + e.getMessage(), e);
        }
        if (reader.getKeyClass() != ShardFormat.KEY_CLASS || reader.getValueClass() != ShardFormat.VALUE_CLASS) {
            close();
            throw new InvalidDataException("shard " + path + " holds " + reader.getKeyClass().getSimpleName() + "/"
                    + reader.getValueClass().getSimpleName() + " records, expected LongWritable/BytesWritable");
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null && !done) {
            try {
                long position = reader.getPosition();
                if (reader.next(key, value)) {
                    if (value.getLength() < ShardFormat.LABEL_BYTES) {
                        throw new InvalidDataException("shard " + path + ": record " + key.get() + " at byte offset "
                                + position + " has " + value.getLength() + " value bytes, too few for a label");
                    }
                    ByteBuffer b = ByteBuffer.wrap(value.getBytes(), 0, value.getLength());
                    int label = b.getInt();
                    byte[] payload = new byte[value.getLength() - ShardFormat.LABEL_BYTES];
                    b.get(payload);
                    next = new ShardRecord(shard, index++, key.get(), label, payload);
                } else {
                    done = true;
                    close();
                }
            } catch (IOException e) {
                close();
                throw new InvalidDataException("shard " + path + ": unreadable after record index " + (index - 1)
                        + ": " + e.getMessage(), e);
            }
        }
        return next != null;
    }

    @Override
    public ShardRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        ShardRecord r = next;
        next = null;
        return r;
    }

    @Override
    public void close() {
        try {
            reader.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SHA-256 of a file's bytes, hex-encoded. */
    public static String sha256(Path path, Configuration conf) throws IOException {
        MessageDigest sha = ShardWriter.sha256();
        try (InputStream in = path.getFileSystem(conf).open(path)) {
            byte[] buf = new byte[1 << 20];
            int n;
            while ((n = in.read(buf)) > 0) {
                sha.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
