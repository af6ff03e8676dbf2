package io.convoy.driver.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Writes one checkpoint: the DL4J zip with updater state (temporary name, renamed into place), digested and
 * counted as it streams out, then its JSON sidecar. The manifest entry is the caller's to add.
 */
final class CheckpointWriter {
    private final AtomicFiles files;
    private final RunLayout layout;

    CheckpointWriter(AtomicFiles files, RunLayout layout) {
        this.files = files;
        this.layout = layout;
    }

    /** @return the manifest entry of the written checkpoint */
    CheckpointInfo write(ComputationGraph net, TrainingState state, Map<String, Double> metrics, String resolvedConfig) {
        int epoch = state.epoch();
        String file = RunLayout.checkpoint(epoch);
        Path zip = layout.inside(file);
        MessageDigest sha = sha256();
        long[] bytes = new long[1];
        try {
            files.fs().mkdirs(zip.getParent());
            files.write(zip, raw -> {
                CountingDigestStream out = new CountingDigestStream(raw, sha);
                ModelSerializer.writeModel(net, out, true);
                out.flush();
                bytes[0] = out.count;
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write checkpoint " + zip + ": " + e.getMessage(), e);
        }
        CheckpointInfo info = new CheckpointInfo(epoch, net.getIterationCount(), file,
                HexFormat.of().formatHex(sha.digest()), bytes[0], Instant.now().toString(), new LinkedHashMap<>(metrics), state);
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("epoch", epoch);
        sidecar.put("iteration", info.iteration());
        sidecar.put("time", info.time());
        sidecar.put("sha256", info.sha256());
        sidecar.put("bytes", info.bytes());
        sidecar.put("state", state);
        sidecar.put("metrics", metrics);
        sidecar.put("config", resolvedConfig);
        files.writeJson(layout.inside(info.sidecar()), sidecar);
        return info;
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Digests and counts what passes through (DL4J shields the stream from its own close; we close it). */
    private static final class CountingDigestStream extends DigestOutputStream {
        long count;

        CountingDigestStream(OutputStream out, MessageDigest digest) {
            super(out, digest);
        }

        @Override
        public void write(int b) throws IOException {
            super.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            super.write(b, off, len);
            count += len;
        }
    }
}
