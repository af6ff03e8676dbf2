package io.convoy.driver.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.convoy.driver.HadoopPaths;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run directory on any Hadoop file system:
 * <pre>
 * runs/&lt;run-id&gt;/config.conf                 resolved configuration
 *                 checkpoints/epoch-0003.zip   DL4J model with updater state
 *                 checkpoints/epoch-0003.json  epoch, iteration, training state, metrics, resolved config
 *                 manifest.json                one entry per checkpoint (SHA-256, size, metrics, training state)
 *                 metrics.jsonl                one line per epoch
 * </pre>
 * Every file is written under a temporary name and renamed into place; the manifest is updated only
 * after the checkpoint is complete, so an entry in it always points at a whole file. Readers check size and
 * SHA-256 before loading and fall back to the previous good checkpoint. Retention ({@link RetentionPolicy})
 * removes old checkpoints, manifest entry first, then the files; no path outside the run directory is
 * ever written or deleted. One writer per run directory at a time.
 */
public final class RunStore {
    private static final Logger log = LoggerFactory.getLogger(RunStore.class);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** One object per line for metrics.jsonl. */
    private static final ObjectMapper JSON_LINE = new ObjectMapper();
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** Created exclusively in a new run directory: whoever creates it owns the run id. */
    static final String CLAIM = ".convoy-run";
    private static final int MAX_ID_ATTEMPTS = 100;

    /**
     * What {@code ModelSerializer.writeModel(net, out, true)} writes. DL4J's reader would also read
     * {@code preprocessor.bin} (and {@code normalizer.bin} elsewhere) with {@code ObjectInputStream}: refused.
     */
    static final Set<String> MODEL_ENTRIES = Set.of(ModelSerializer.CONFIGURATION_JSON, ModelSerializer.COEFFICIENTS_BIN,
            ModelSerializer.UPDATER_BIN, ModelSerializer.NO_PARAMS_MARKER);

    private final FileSystem fs;
    private final Path dir;
    private final RetentionPolicy retention;

    private RunStore(FileSystem fs, Path dir, RetentionPolicy retention) {
        this.fs = fs;
        this.dir = dir;
        this.retention = retention;
    }

    /**
     * Creates a fresh run directory {@code <parent>/<name>-<utc time>-<random>}. Never reuses, nests in or
     * overwrites an existing directory, also when several runs start at once.
     */
    public static RunStore create(String parent, String name, Configuration conf) {
        return create(parent, conf, () -> name + "-" + RUN_ID_TIME.format(Instant.now()) + "-"
                + String.format("%06x", RANDOM.nextInt(0x1000000)));
    }

    /** As {@link #create(String, String, Configuration)}, with the candidate run ids drawn from {@code ids}. */
    static RunStore create(String parent, Configuration conf, Supplier<String> ids) {
        Path parentPath = HadoopPaths.resolve(parent);
        FileSystem fs = HadoopPaths.fileSystem(parentPath, conf);
        try {
            fs.mkdirs(parentPath);
            for (int attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
                String id = ids.get();
                if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                    throw new RunStoreException("run id '" + id + "': expected letters, digits, '.', '_' or '-' "
                            + "(check run.name)");
                }
                Path dir = new Path(parentPath, id);
                if (claim(fs, dir)) {
                    fs.mkdirs(new Path(dir, "checkpoints"));
                    return new RunStore(fs, fs.makeQualified(dir), RetentionPolicy.KEEP_ALL);
                }
                log.debug("run id {} is taken, drawing another", id);
            }
            throw new IOException("no free run id under " + parentPath + " after " + MAX_ID_ATTEMPTS + " attempts");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory under " + parentPath + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes {@code dir} ours, or answers false when it exists or another process got it first. Hadoop's
     * mkdirs succeeds on an existing directory, so the claim is an exclusive create of a marker file, which
     * HDFS decides atomically in the NameNode; on the local file system an atomic mkdir does the same.
     */
    private static boolean claim(FileSystem fs, Path dir) throws IOException {
        if (fs instanceof LocalFileSystem local) {
            if (!local.pathToFile(dir).mkdir()) {
                return false;
            }
        } else {
            if (fs.exists(dir)) {
                return false;
            }
            fs.mkdirs(dir);
        }
        Path marker = new Path(dir, CLAIM);
        OutputStream out;
        try {
            out = fs.create(marker, false);
        } catch (IOException e) {
            // FileAlreadyExistsException, or HDFS's AlreadyBeingCreatedException while the other creator writes it
            if (fs.exists(marker)) {
                return false;
            }
            throw e;
        }
        writeAndClose(out, o -> o.write(Instant.now().toString().getBytes(StandardCharsets.UTF_8)));
        return true;
    }

    /** Opens an existing run directory (to evaluate it, or to resume: new checkpoints go into the same directory). */
    public static RunStore open(String location, Configuration conf) {
        Path dir = HadoopPaths.resolve(location);
        FileSystem fs = HadoopPaths.fileSystem(dir, conf);
        try {
            if (!fs.exists(new Path(dir, "config.conf"))) {
                throw new RunStoreException("run directory " + location + " has no config.conf: not a Convoy run directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run directory " + location + ": " + e.getMessage(), e);
        }
        return new RunStore(fs, fs.makeQualified(dir), RetentionPolicy.KEEP_ALL);
    }

    /** The same run directory, applying {@code policy} after every checkpoint written through the returned store. */
    public RunStore withRetention(RetentionPolicy policy) {
        return new RunStore(fs, dir, policy);
    }

    public Path dir() {
        return dir;
    }

    public String id() {
        return dir.getName();
    }

    public RetentionPolicy retention() {
        return retention;
    }

    public void writeConfig(String hocon) {
        writeAtomically(new Path(dir, "config.conf"), hocon.getBytes(StandardCharsets.UTF_8));
    }

    public String readConfig() {
        return new String(read(new Path(dir, "config.conf")), StandardCharsets.UTF_8);
    }

    /** The bytes of a file in the run directory. */
    public byte[] readFile(String relative) {
        return read(inside(relative));
    }

    /**
     * Writes the checkpoint of {@code state.epoch()} and records it in the manifest; returns its entry.
     * Order: the zip (temporary name, renamed into place), its sidecar, then the manifest; then retention.
     * Entries of later epochs (a timeline abandoned by resuming from an earlier checkpoint) are dropped.
     * A failure (disk full, quota, permission) throws {@link UncheckedIOException} naming the path and
     * leaves every earlier checkpoint and the manifest as they were.
     */
    public CheckpointInfo writeCheckpoint(ComputationGraph net, TrainingState state, Map<String, Double> metrics,
                                          String resolvedConfig) {
        int epoch = state.epoch();
        String file = String.format(Locale.ROOT, "checkpoints/epoch-%04d.zip", epoch);
        Path zip = new Path(dir, file);
        Path tmp = temporary(zip);
        MessageDigest sha = sha256();
        long bytes;
        try {
            fs.mkdirs(zip.getParent());
            long[] count = new long[1];
            writeAndClose(fs.create(tmp, true), raw -> {
                CountingDigestStream out = new CountingDigestStream(raw, sha);
                ModelSerializer.writeModel(net, out, true);
                out.flush();
                count[0] = out.count;
            });
            bytes = count[0];
            replace(tmp, zip);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write checkpoint " + zip + ": " + e.getMessage(), e);
        }
        CheckpointInfo info = new CheckpointInfo(epoch, net.getIterationCount(), file,
                HexFormat.of().formatHex(sha.digest()), bytes, Instant.now().toString(), new LinkedHashMap<>(metrics), state);
        Map<String, Object> sidecar = new LinkedHashMap<>();
        sidecar.put("epoch", epoch);
        sidecar.put("iteration", info.iteration());
        sidecar.put("time", info.time());
        sidecar.put("sha256", info.sha256());
        sidecar.put("bytes", bytes);
        sidecar.put("state", state);
        sidecar.put("metrics", metrics);
        sidecar.put("config", resolvedConfig);
        writeJson(new Path(dir, info.sidecar()), sidecar);

        List<CheckpointInfo> before = manifest();
        List<CheckpointInfo> superseded = before.stream().filter(c -> c.epoch() > epoch).toList();
        List<CheckpointInfo> after = new ArrayList<>(before);
        after.removeIf(c -> c.epoch() >= epoch);
        after.add(info);
        writeManifest(after);
        if (!superseded.isEmpty()) {
            log.warn("run {}: checkpoint of epoch {} supersedes the later epochs {} (training resumed from an earlier checkpoint); "
                    + "removing them", id(), epoch, epochs(superseded));
            deleteFiles(superseded);
        }
        applyRetention();
        return info;
    }

    /**
     * Removes what {@link #retention()} does not keep: the manifest is rewritten first, then the zips and
     * sidecars are deleted, so a crash in between leaves unlisted files, never an entry without its file.
     *
     * @return the entries removed
     */
    public List<CheckpointInfo> applyRetention() {
        List<CheckpointInfo> all = manifest();
        Set<CheckpointInfo> keep = kept(all, retention);
        List<CheckpointInfo> doomed = all.stream().filter(c -> !keep.contains(c)).toList();
        if (doomed.isEmpty()) {
            return List.of();
        }
        writeManifest(all.stream().filter(keep::contains).toList());
        deleteFiles(doomed);
        log.info("run {}: retention (keep last {}{}) removed the checkpoints of epochs {}", id(), retention.keepLast(),
                retention.keepBest() ? " and the best by " + RetentionPolicy.BEST_METRIC : "", epochs(doomed));
        return doomed;
    }

    /** The entries a policy keeps: the newest keepLast, plus the lowest top-1 error if keepBest (ties: the later). */
    static Set<CheckpointInfo> kept(List<CheckpointInfo> oldestFirst, RetentionPolicy policy) {
        if (policy.keepsAll()) {
            return new LinkedHashSet<>(oldestFirst);
        }
        Set<CheckpointInfo> keep = new LinkedHashSet<>(
                oldestFirst.subList(Math.max(0, oldestFirst.size() - policy.keepLast()), oldestFirst.size()));
        if (policy.keepBest()) {
            CheckpointInfo best = null;
            for (CheckpointInfo c : oldestFirst) {
                Double m = c.metrics() == null ? null : c.metrics().get(RetentionPolicy.BEST_METRIC);
                if (m != null && !m.isNaN()
                        && (best == null || m <= best.metrics().get(RetentionPolicy.BEST_METRIC))) {
                    best = c;
                }
            }
            if (best != null) {
                keep.add(best);
            }
        }
        return keep;
    }

    private void deleteFiles(List<CheckpointInfo> entries) {
        for (CheckpointInfo c : entries) {
            for (String relative : List.of(c.file(), c.sidecar())) {
                Path p;
                try {
                    p = inside(relative);
                } catch (RunStoreException e) {
                    log.warn("not deleting {}: {}", relative, e.getMessage());
                    continue;
                }
                try {
                    fs.delete(p, false);
                } catch (IOException e) {
                    log.warn("could not delete {} (no longer in the manifest): {}", p, e.getMessage());
                }
            }
        }
    }

    /** Checkpoints recorded in the manifest, oldest first. */
    public List<CheckpointInfo> manifest() {
        Path p = new Path(dir, "manifest.json");
        try {
            if (!fs.exists(p)) {
                return List.of();
            }
            Map<String, Object> m = JSON.readValue(read(p), new TypeReference<>() { });
            if (m == null || !(m.get("checkpoints") instanceof List)) {
                throw new RunStoreException("manifest " + p + " has no \"checkpoints\" list");
            }
            List<CheckpointInfo> all = new ArrayList<>(
                    JSON.convertValue(m.get("checkpoints"), new TypeReference<List<CheckpointInfo>>() { }));
            all.sort(Comparator.comparingInt(CheckpointInfo::epoch));
            return all;
        } catch (IOException | IllegalArgumentException e) {
            throw new RunStoreException("manifest " + p + " is unreadable: " + e.getMessage(), e);
        }
    }

    private void writeManifest(List<CheckpointInfo> entries) {
        List<CheckpointInfo> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(CheckpointInfo::epoch));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("run", id());
        m.put("checkpoints", sorted);
        writeJson(new Path(dir, "manifest.json"), m);
    }

    /**
     * Loads a checkpoint after checking its size and SHA-256 against the manifest.
     *
     * @param selector {@code latest} (the newest checkpoint that verifies and loads, see {@link #loadLatestGood()})
     *                 or {@code epoch-N} (exactly that one, or an error)
     */
    public Loaded load(String selector) {
        List<CheckpointInfo> all = manifest();
        if (all.isEmpty()) {
            throw new RunStoreException("run " + dir + " has no checkpoints yet");
        }
        if (selector.equals("latest")) {
            return loadLatestGood().orElseThrow();
        }
        if (!selector.matches("epoch-\\d+")) {
            throw new RunStoreException("checkpoint '" + selector + "': expected latest or epoch-N");
        }
        int epoch = Integer.parseInt(selector.substring("epoch-".length()));
        CheckpointInfo info = all.stream().filter(c -> c.epoch() == epoch).findFirst().orElseThrow(() -> new RunStoreException(
                "checkpoint " + selector + " is not in run " + dir + "; it has epochs " + epochs(all)));
        return loadVerified(info);
    }

    /**
     * The newest checkpoint whose file is present, has the manifest's size and SHA-256, and loads as a DL4J
     * graph with its updater state. Each one skipped is logged as a warning naming the file and what is wrong.
     *
     * @return empty when the manifest lists no checkpoint
     * @throws RunStoreException when checkpoints are listed but none is good (each listed with its fault)
     */
    public Optional<Loaded> loadLatestGood() {
        List<CheckpointInfo> all = manifest();
        List<String> faults = new ArrayList<>();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                Loaded loaded = loadVerified(all.get(i));
                if (!faults.isEmpty()) {
                    log.warn("run {}: using the checkpoint of epoch {}, the newest good one", id(), loaded.info().epoch());
                }
                return Optional.of(loaded);
            } catch (RunStoreException e) {
                log.warn("skipping a bad checkpoint: {}", e.getMessage());
                faults.add(e.getMessage());
            }
        }
        if (all.isEmpty()) {
            return Optional.empty();
        }
        throw new RunStoreException("run " + dir + " has no good checkpoint: " + String.join("; ", faults));
    }

    /** Checks an entry's file (size, then SHA-256, streaming) and only then parses it. */
    private Loaded loadVerified(CheckpointInfo info) {
        Path p;
        try {
            p = inside(info.file());
        } catch (RunStoreException e) {
            throw new RunStoreException("checkpoint of epoch " + info.epoch() + " is bad: " + e.getMessage(), e);
        }
        try {
            long length = fs.getFileStatus(p).getLen();
            if (length != info.bytes()) {
                throw new RunStoreException("checkpoint " + p + " is " + (length < info.bytes() ? "truncated" : "corrupt")
                        + ": " + length + " bytes, manifest says " + info.bytes());
            }
            MessageDigest sha = sha256();
            List<String> entries = new ArrayList<>();
            try (InputStream in = fs.open(p)) {
                // one pass: the entry names as DL4J's reader (a ZipInputStream) will see them, and the digest of every byte
                DigestInputStream digested = new DigestInputStream(new BufferedInputStream(in, 1 << 16), sha);
                try {
                    ZipInputStream zip = new ZipInputStream(digested);
                    for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                        entries.add(e.getName());
                    }
                } catch (IOException | IllegalArgumentException notAZip) {
                    entries.clear(); // DL4J reports what is wrong with it, after the checksum
                }
                digested.transferTo(OutputStream.nullOutputStream());
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(info.sha256())) {
                throw new RunStoreException("checkpoint " + p + " is corrupt: SHA-256 " + actual + ", manifest says " + info.sha256());
            }
            for (String name : entries) {
                if (!MODEL_ENTRIES.contains(name)) {
                    // the checksum shows the file is what the manifest lists, not who wrote both: a writer of the run
                    // directory could add preprocessor.bin or normalizer.bin, which DL4J reads with Java deserialization
                    throw new RunStoreException("checkpoint " + p + " holds an entry '" + name + "' that Convoy never "
                            + "writes (expected only " + MODEL_ENTRIES + "); not loading it: DL4J would deserialize "
                            + "such entries as Java objects");
                }
            }
        } catch (FileNotFoundException e) {
            throw new RunStoreException("checkpoint " + p + " is missing (listed in the manifest, not on the file system)", e);
        } catch (IOException e) {
            throw new RunStoreException("checkpoint " + p + " cannot be read: " + e.getMessage(), e);
        }
        try (InputStream in = new BufferedInputStream(fs.open(p), 1 << 16)) {
            return new Loaded(info, ModelSerializer.restoreComputationGraph(in, true));
        } catch (IOException | RuntimeException e) {
            throw new RunStoreException("checkpoint " + p + " cannot be read as a DL4J model with updater state: " + e, e);
        }
    }

    /** A verified checkpoint: its manifest entry and the network with parameters and updater state. */
    public record Loaded(CheckpointInfo info, ComputationGraph net) {
        /** The training state to resume from; throws when the checkpoint was written without one. */
        public TrainingState state() {
            if (info.state() == null) {
                throw new RunStoreException("checkpoint " + info.file() + " carries no training state and cannot be "
                        + "resumed exactly (it can still be evaluated)");
            }
            return info.state();
        }
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

    /** The rows of metrics.jsonl, oldest first; empty when there is none yet. */
    public List<Map<String, Object>> readMetrics() {
        Path p = new Path(dir, "metrics.jsonl");
        List<Map<String, Object>> rows = new ArrayList<>();
        try {
            if (!fs.exists(p)) {
                return rows;
            }
            for (String line : new String(read(p), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isBlank()) {
                    rows.add(JSON_LINE.readValue(line, new TypeReference<LinkedHashMap<String, Object>>() { }));
                }
            }
            return rows;
        } catch (IOException e) {
            throw new RunStoreException(p + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Reads a JSON file of the run directory as the given type. */
    public <T> T readJson(String relative, Class<T> type) {
        Path p = inside(relative);
        try {
            return JSON.readValue(read(p), type);
        } catch (IOException e) {
            throw new RunStoreException(p + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Writes a small JSON file into the run directory, atomically. */
    public void writeJson(String relative, Object value) {
        writeJson(inside(relative), value);
    }

    private void writeJson(Path p, Object value) {
        try {
            writeAtomically(p, JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + p, e);
        }
    }

    /** A path of the run directory; refuses anything that would resolve outside it ("..", absolute, other scheme). */
    Path inside(String relative) {
        Path p = new Path(dir, relative);
        String prefix = dir.toString().endsWith("/") ? dir.toString() : dir.toString() + "/";
        if (relative.isEmpty() || relative.startsWith("/") || relative.contains(":")
                || !p.toString().startsWith(prefix)
                || List.of(relative.split("/")).contains("..")) {
            throw new RunStoreException("'" + relative + "' is not a path inside the run directory " + dir);
        }
        return p;
    }

    private void writeAtomically(Path target, byte[] bytes) {
        Path tmp = temporary(target);
        try {
            writeAndClose(fs.create(tmp, true), out -> out.write(bytes));
            replace(tmp, target);
        } catch (IOException e) {
            deleteQuietly(tmp);
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes the content of a file, as {@link #writeAndClose}. */
    @FunctionalInterface
    private interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes and closes. Not try-with-resources: HDFS's output stream rethrows one stored exception (a quota
     * exceeded, say) from write and again from close, and try-with-resources fails adding it to itself.
     */
    private static void writeAndClose(OutputStream out, Content content) throws IOException {
        try {
            content.writeTo(out);
        } catch (IOException | RuntimeException e) {
            try {
                out.close();
            } catch (IOException | RuntimeException c) {
                if (c != e) {
                    e.addSuppressed(c);
                }
            }
            throw e;
        }
        out.close();
    }

    private static Path temporary(Path target) {
        return new Path(target.getParent(), "." + target.getName() + ".tmp");
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
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private void deleteQuietly(Path p) {
        try {
            fs.delete(p, false);
        } catch (IOException ignored) {
            // the temporary file is hidden and replaced by the next attempt
        }
    }

    private static List<Integer> epochs(List<CheckpointInfo> entries) {
        return entries.stream().map(CheckpointInfo::epoch).toList();
    }

    private static MessageDigest sha256() {
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
