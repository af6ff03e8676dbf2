package io.convoy.driver.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.convoy.driver.HadoopPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A run directory on any Hadoop file system:
 * <pre>
 * runs/&lt;run-id&gt;/config.conf                 resolved configuration
 *                 checkpoints/epoch-0003.zip   DL4J model with updater state
 *                 checkpoints/epoch-0003.json  epoch, iteration, metrics, resolved config
 *                 manifest.json                one entry per checkpoint (with its SHA-256)
 *                 metrics.jsonl                one line per epoch
 * </pre>
 * Every file is written under a temporary name and renamed into place; the manifest is updated only
 * after the checkpoint is complete, so an entry in it always points at a whole file.
 */
public final class RunStore {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** One object per line for metrics.jsonl. */
    private static final ObjectMapper JSON_LINE = new ObjectMapper();
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private final FileSystem fs;
    private final Path dir;

    private RunStore(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    /** Creates a fresh run directory {@code <parent>/<name>-<utc time>-<random>}; never reuses an existing one. */
    public static RunStore create(String parent, String name, Configuration conf) {
        Path parentPath = HadoopPaths.resolve(parent);
        FileSystem fs = HadoopPaths.fileSystem(parentPath, conf);
        try {
            fs.mkdirs(parentPath);
            for (int attempt = 0; attempt < 100; attempt++) {
                String id = name + "-" + RUN_ID_TIME.format(Instant.now()) + "-"
                        + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
                Path dir = new Path(parentPath, id);
                // mkdirs succeeds on an existing directory, so check first; the random suffix makes races unlikely
                if (!fs.exists(dir) && fs.mkdirs(dir)) {
                    fs.mkdirs(new Path(dir, "checkpoints"));
                    return new RunStore(fs, fs.makeQualified(dir));
                }
            }
            throw new IOException("could not find a free run id under " + parentPath);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory under " + parentPath, e);
        }
    }

    /** Opens an existing run directory. */
    public static RunStore open(String location, Configuration conf) {
        Path dir = HadoopPaths.resolve(location);
        FileSystem fs = HadoopPaths.fileSystem(dir, conf);
        try {
            if (!fs.exists(new Path(dir, "config.conf"))) {
                throw new RunStoreException("run directory " + location + " has no config.conf: not a Convoy run directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run directory " + location, e);
        }
        return new RunStore(fs, fs.makeQualified(dir));
    }

    public Path dir() {
        return dir;
    }

    public String id() {
        return dir.getName();
    }

    public void writeConfig(String hocon) {
        writeAtomically(new Path(dir, "config.conf"), hocon.getBytes(StandardCharsets.UTF_8));
    }

    public String readConfig() {
        return new String(read(new Path(dir, "config.conf")), StandardCharsets.UTF_8);
    }

    /** The bytes of a file in the run directory. */
    public byte[] readFile(String relative) {
        return read(new Path(dir, relative));
    }

    /** Writes the checkpoint of an epoch and records it in the manifest; returns its entry. */
    public CheckpointInfo writeCheckpoint(int epoch, ComputationGraph net, Map<String, Double> metrics, String resolvedConfig) {
        String base = String.format(Locale.ROOT, "epoch-%04d", epoch);
        Path zip = new Path(dir, "checkpoints/" + base + ".zip");
        Path tmp = new Path(dir, "checkpoints/." + base + ".zip.tmp");
        MessageDigest sha = sha256();
        long bytes;
        try {
            try (OutputStream raw = fs.create(tmp, true);
                 CountingDigestStream out = new CountingDigestStream(raw, sha)) {
                ModelSerializer.writeModel(net, out, true);
                bytes = out.count;
            }
            replace(tmp, zip);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write checkpoint " + zip, e);
        }
        CheckpointInfo info = new CheckpointInfo(epoch, net.getIterationCount(), "checkpoints/" + base + ".zip",
                HexFormat.of().formatHex(sha.digest()), bytes, Instant.now().toString(), new LinkedHashMap<>(metrics));
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("epoch", epoch);
        sidecar.put("iteration", info.iteration());
        sidecar.put("time", info.time());
        sidecar.put("sha256", info.sha256());
        sidecar.put("metrics", metrics);
        sidecar.put("config", resolvedConfig);
        writeJson(new Path(dir, "checkpoints/" + base + ".json"), sidecar);

        List<CheckpointInfo> manifest = new ArrayList<>(manifest());
        manifest.removeIf(c -> c.epoch() == epoch);
        manifest.add(info);
        manifest.sort(Comparator.comparingInt(CheckpointInfo::epoch));
        writeJson(new Path(dir, "manifest.json"), Map.of("run", id(), "checkpoints", manifest));
        return info;
    }

    /** Checkpoints recorded in the manifest, oldest first. */
    public List<CheckpointInfo> manifest() {
        Path p = new Path(dir, "manifest.json");
        try {
            if (!fs.exists(p)) {
                return List.of();
            }
            Map<String, Object> m = JSON.readValue(read(p), new TypeReference<>() { });
            return JSON.convertValue(m.get("checkpoints"), new TypeReference<List<CheckpointInfo>>() { });
        } catch (IOException e) {
            throw new RunStoreException("manifest " + p + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Loads a checkpoint after checking its SHA-256 against the manifest.
     *
     * @param selector {@code latest} or {@code epoch-N}
     */
    public Loaded load(String selector) {
        List<CheckpointInfo> all = manifest();
        if (all.isEmpty()) {
            throw new RunStoreException("run " + dir + " has no checkpoints yet");
        }
        CheckpointInfo info;
        if (selector.equals("latest")) {
            info = all.get(all.size() - 1);
        } else if (selector.matches("epoch-\\d+")) {
            int epoch = Integer.parseInt(selector.substring("epoch-".length()));
            info = all.stream().filter(c -> c.epoch() == epoch).findFirst().orElseThrow(() -> new RunStoreException(
                    "checkpoint " + selector + " is not in run " + dir + "; it has epochs "
                            + all.stream().map(c -> String.valueOf(c.epoch())).toList()));
        } else {
            throw new RunStoreException("checkpoint '" + selector + "': expected latest or epoch-N");
        }
        Path p = new Path(dir, info.file());
        byte[] bytes = read(p);
        String actual = HexFormat.of().formatHex(sha256().digest(bytes));
        if (!actual.equals(info.sha256())) {
            throw new RunStoreException("checkpoint " + p + " is corrupt: SHA-256 " + actual + ", manifest says " + info.sha256());
        }
        try {
            ComputationGraph net = ModelSerializer.restoreComputationGraph(new java.io.ByteArrayInputStream(bytes), true);
            return new Loaded(info, net);
        } catch (IOException e) {
            throw new RunStoreException("checkpoint " + p + " cannot be read as a DL4J model: " + e.getMessage(), e);
        }
    }

    public record Loaded(CheckpointInfo info, ComputationGraph net) {
    }

    /** Rewrites metrics.jsonl with one JSON object per line. */
    public void writeMetrics(List<Map<String, Object>> rows) {
        StringBuilder sb = new StringBuilder();
        try {
            for (Map<String, Object> r : rows) {
                sb.append(JSON_LINE.writeValueAsString(r)).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeAtomically(new Path(dir, "metrics.jsonl"), sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Reads a JSON file of the run directory as the given type. */
    public <T> T readJson(String relative, Class<T> type) {
        Path p = new Path(dir, relative);
        try {
            return JSON.readValue(read(p), type);
        } catch (IOException e) {
            throw new RunStoreException(p + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Writes a small JSON file into the run directory, atomically. */
    public void writeJson(String relative, Object value) {
        writeJson(new Path(dir, relative), value);
    }

    private void writeJson(Path p, Object value) {
        try {
            writeAtomically(p, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + p, e);
        }
    }

    private void writeAtomically(Path target, byte[] bytes) {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try {
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(bytes);
            }
            replace(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    /**
     * Renames tmp over target. Hadoop's FileSystem.rename does not overwrite, so an existing target
     * is moved aside first and removed only after the new file is in place.
     */
    private void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(target.getParent(), "." + target.getName() + ".old");
            fs.delete(old, false);
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move " + target + " aside");
            }
        }
        if (!fs.rename(tmp, target)) {
            if (old != null) {
                fs.rename(old, target);
            }
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
        if (old != null) {
            fs.delete(old, false);
        }
    }

    private byte[] read(Path p) {
        try (InputStream in = fs.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p, e);
        }
    }

    private void deleteQuietly(Path p) {
        try {
            fs.delete(p, false);
        } catch (IOException ignored) {
            // the temporary file is hidden and replaced by the next attempt
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Digests and counts what passes through; DL4J closes the stream it is given, which closes ours. */
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
