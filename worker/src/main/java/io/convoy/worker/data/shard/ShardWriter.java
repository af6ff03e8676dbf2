package io.convoy.worker.data.shard;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.SequenceFile;

/**
 * Writes one shard as a Hadoop SequenceFile, byte-identical on every run with the same records.
 *
 * <p>Hadoop's writer draws the file's 16-byte sync marker from the clock, so two runs over the same
 * input would give different bytes and different checksums. The shard is therefore written with
 * Hadoop's writer to a local temporary file, read back with Hadoop's reader to find where the marker
 * sits (in the header and after every sync escape), and copied to its destination with a marker
 * derived from the shard's name instead. The copy goes to a temporary name that is renamed into
 * place, so a shard either exists whole or not at all.
 */
public final class ShardWriter {
    private static final int SYNC_SIZE = 16;
    private static final int SYNC_ESCAPE_SIZE = 4;

    private ShardWriter() {
    }

    /** One record to write. */
    public record Entry(long id, int label, byte[] payload) {
    }

    /**
     * Writes {@code entries} to {@code target} (any Hadoop file system).
     *
     * @param markerSeed what the sync marker is derived from, e.g. "train/part-00003.seq"
     */
    public static ShardSummary write(Iterable<Entry> entries, Path target, String markerSeed, Configuration conf)
            throws IOException {
        java.nio.file.Path local = Files.createTempFile("convoy-shard-", ".seq");
        try {
            long records = 0;
            try (FSDataOutputStream out = new FSDataOutputStream(Files.newOutputStream(local), null);
                 SequenceFile.Writer writer = SequenceFile.createWriter(conf, SequenceFile.Writer.stream(out),
                         SequenceFile.Writer.keyClass(ShardFormat.KEY_CLASS),
                         SequenceFile.Writer.valueClass(ShardFormat.VALUE_CLASS),
                         SequenceFile.Writer.compression(SequenceFile.CompressionType.NONE))) {
                LongWritable key = new LongWritable();
                BytesWritable value = new BytesWritable();
                for (Entry e : entries) {
                    key.set(e.id());
                    byte[] v = ShardFormat.value(e.label(), e.payload());
                    value.set(v, 0, v.length);
                    writer.append(key, value);
                    records++;
                }
            }
            List<Long> markers = markerOffsets(local, conf);
            byte[] marker = marker(markerSeed);
            FileSystem fs = target.getFileSystem(conf);
            Path partial = new Path(target.getParent(), "." + target.getName() + ".partial");
            MessageDigest sha = sha256();
            long bytes = 0;
            try (InputStream in = Files.newInputStream(local); OutputStream out = fs.create(partial, true)) {
                byte[] buf = new byte[1 << 20];
                int n;
                while ((n = in.readNBytes(buf, 0, buf.length)) > 0) {
                    for (long m : markers) {
                        overwrite(buf, bytes, n, m, marker);
                    }
                    sha.update(buf, 0, n);
                    out.write(buf, 0, n);
                    bytes += n;
                }
            }
            fs.delete(target, false);
            if (!fs.rename(partial, target)) {
                throw new IOException("cannot rename " + partial + " to " + target);
            }
            return new ShardSummary(target.getName(), records, bytes, HexFormat.of().formatHex(sha.digest()));
        } finally {
            Files.deleteIfExists(local);
        }
    }

    /** Offsets of the sync marker's 16 bytes: the end of the header, and after each sync escape. */
    private static List<Long> markerOffsets(java.nio.file.Path local, Configuration conf) throws IOException {
        List<Long> offsets = new ArrayList<>();
        Path p = new Path(local.toUri());
        try (SequenceFile.Reader reader = new SequenceFile.Reader(conf, SequenceFile.Reader.file(p))) {
            offsets.add(reader.getPosition() - SYNC_SIZE);
            LongWritable key = new LongWritable();
            BytesWritable value = new BytesWritable();
            while (true) {
                long before = reader.getPosition();
                if (!reader.next(key, value)) {
                    break;
                }
                if (reader.syncSeen()) {
                    offsets.add(before + SYNC_ESCAPE_SIZE);
                }
            }
        }
        return offsets;
    }

    private static void overwrite(byte[] buf, long bufStart, int n, long markerStart, byte[] marker) {
        long from = Math.max(bufStart, markerStart);
        long to = Math.min(bufStart + n, markerStart + SYNC_SIZE);
        for (long i = from; i < to; i++) {
            buf[(int) (i - bufStart)] = marker[(int) (i - markerStart)];
        }
    }

    private static byte[] marker(String seed) {
        byte[] d = sha256().digest(("convoy-shard:" + seed).getBytes(StandardCharsets.UTF_8));
        byte[] m = new byte[SYNC_SIZE];
        System.arraycopy(d, 0, m, 0, SYNC_SIZE);
        return m;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
