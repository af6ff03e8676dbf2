package io.convoy.driver.checkpoint;

import io.convoy.driver.HadoopPaths;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run directory on any Hadoop file system ({@link RunLayout} names its files). Every file is written under a
 * temporary name and renamed into place ({@link AtomicFiles}); the manifest ({@link Manifest}) is updated only after
 * the checkpoint is complete, so an entry in it always points at a whole file. Readers check size and SHA-256
 * before loading ({@link VerifiedLoader}) and fall back to the previous good checkpoint. Retention
 * ({@link RetentionPolicy}) removes old checkpoints, manifest entry first, then the files; no path outside the run
 * directory is ever written or deleted. One writer per run directory at a time.
 */
public final class RunStore {
    private static final Logger log = LoggerFactory.getLogger(RunStore.class);

    private final RunLayout layout;
    private final AtomicFiles files;
    private final Manifest manifest;
    private final MetricsLog metrics;
    private final RetentionPolicy retention;

    private RunStore(FileSystem fs, Path dir, RetentionPolicy retention) {
        this.layout = new RunLayout(dir);
        this.files = new AtomicFiles(fs);
        this.manifest = new Manifest(files, layout.manifest(), dir.getName());
        this.metrics = new MetricsLog(files, layout.metrics());
        this.retention = retention;
    }

    /**
     * Creates a fresh run directory {@code <parent>/<name>-<utc time>-<random>}. Never reuses, nests in or
     * overwrites an existing directory, also when several runs start at once.
     */
    public static RunStore create(String parent, String name, Configuration conf) {
        return create(parent, conf, RunIdClaim.ids(name));
    }

    /** As {@link #create(String, String, Configuration)}, with the candidate run ids drawn from {@code ids}. */
    static RunStore create(String parent, Configuration conf, Supplier<String> ids) {
        Path parentPath = HadoopPaths.resolve(parent);
        FileSystem fs = HadoopPaths.fileSystem(parentPath, conf);
        try {
            Path dir = RunIdClaim.claimFresh(fs, parentPath, ids);
            return new RunStore(fs, fs.makeQualified(dir), RetentionPolicy.KEEP_ALL);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a run directory under " + parentPath + ": " + e.getMessage(), e);
        }
    }

    /** Opens an existing run directory (to evaluate it, or to resume: new checkpoints go into the same directory). */
    public static RunStore open(String location, Configuration conf) {
        Path dir = HadoopPaths.resolve(location);
        FileSystem fs = HadoopPaths.fileSystem(dir, conf);
        try {
            if (!RunLayout.isRun(fs, dir)) {
                throw new RunStoreException("run directory " + location + " has no " + RunLayout.CONFIG
                        + ": not a Convoy run directory");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read run directory " + location + ": " + e.getMessage(), e);
        }
        return new RunStore(fs, fs.makeQualified(dir), RetentionPolicy.KEEP_ALL);
    }

    /** The same run directory, applying {@code policy} after every checkpoint written through the returned store. */
    public RunStore withRetention(RetentionPolicy policy) {
        return new RunStore(files.fs(), layout.dir(), policy);
    }

    public Path dir() {
        return layout.dir();
    }

    public String id() {
        return layout.dir().getName();
    }

    public RetentionPolicy retention() {
        return retention;
    }

    public void writeConfig(String hocon) {
        files.write(layout.config(), hocon.getBytes(StandardCharsets.UTF_8));
    }

    public String readConfig() {
        return new String(files.read(layout.config()), StandardCharsets.UTF_8);
    }

    /** When the configuration was last written: a run's start, or its last resume. */
    public Instant configWritten() throws IOException {
        return Instant.ofEpochMilli(files.fs().getFileStatus(layout.config()).getModificationTime());
    }

    /** The bytes of a file in the run directory. */
    public byte[] readFile(String relative) {
        return files.read(layout.inside(relative));
    }

    /** Whether the run directory has this file. */
    public boolean has(String relative) {
        try {
            return files.fs().exists(layout.inside(relative));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + layout.dir() + ": " + e.getMessage(), e);
        }
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
        CheckpointInfo info = new CheckpointWriter(files, layout).write(net, state, metrics, resolvedConfig);
        List<CheckpointInfo> before = manifest();
        List<CheckpointInfo> superseded = before.stream().filter(c -> c.epoch() > epoch).toList();
        List<CheckpointInfo> after = new ArrayList<>(before);
        after.removeIf(c -> c.epoch() >= epoch);
        after.add(info);
        manifest.write(after);
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
        Set<CheckpointInfo> keep = retention.kept(all);
        List<CheckpointInfo> doomed = all.stream().filter(c -> !keep.contains(c)).toList();
        if (doomed.isEmpty()) {
            return List.of();
        }
        manifest.write(all.stream().filter(keep::contains).toList());
        deleteFiles(doomed);
        log.info("run {}: retention (keep last {}{}) removed the checkpoints of epochs {}", id(), retention.keepLast(),
                retention.keepBest() ? " and the best by " + RetentionPolicy.BEST_METRIC : "", epochs(doomed));
        return doomed;
    }

    private void deleteFiles(List<CheckpointInfo> entries) {
        for (CheckpointInfo c : entries) {
            for (String relative : List.of(c.file(), c.sidecar())) {
                Path p;
                try {
                    p = layout.inside(relative);
                } catch (RunStoreException e) {
                    log.warn("not deleting {}: {}", relative, e.getMessage());
                    continue;
                }
                try {
                    files.fs().delete(p, false);
                } catch (IOException e) {
                    log.warn("could not delete {} (no longer in the manifest): {}", p, e.getMessage());
                }
            }
        }
    }

    /** Checkpoints recorded in the manifest, oldest first. */
    public List<CheckpointInfo> manifest() {
        return manifest.entries();
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
            throw new RunStoreException("run " + dir() + " has no checkpoints yet");
        }
        if (selector.equals("latest")) {
            return loadLatestGood().orElseThrow();
        }
        if (!selector.matches("epoch-\\d+")) {
            throw new RunStoreException("checkpoint '" + selector + "': expected latest or epoch-N");
        }
        int epoch = Integer.parseInt(selector.substring("epoch-".length()));
        CheckpointInfo info = all.stream().filter(c -> c.epoch() == epoch).findFirst().orElseThrow(() -> new RunStoreException(
                "checkpoint " + selector + " is not in run " + dir() + "; it has epochs " + epochs(all)));
        return loader().load(info);
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
        VerifiedLoader loader = loader();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                Loaded loaded = loader.load(all.get(i));
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
        throw new RunStoreException("run " + dir() + " has no good checkpoint: " + String.join("; ", faults));
    }

    private VerifiedLoader loader() {
        return new VerifiedLoader(files.fs(), layout);
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

    /** Rewrites metrics.jsonl with one line per epoch. */
    public void writeMetrics(List<EpochMetrics> rows) {
        metrics.write(rows);
    }

    /** The rows of metrics.jsonl, oldest first; empty when there is none yet. */
    public List<EpochMetrics> readMetrics() {
        return metrics.read();
    }

    /** Reads a JSON file of the run directory as the given type. */
    public <T> T readJson(String relative, Class<T> type) {
        Path p = layout.inside(relative);
        try {
            return AtomicFiles.JSON.readValue(files.read(p), type);
        } catch (IOException e) {
            throw new RunStoreException(p + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Writes a small JSON file into the run directory, atomically. */
    public void writeJson(String relative, Object value) {
        files.writeJson(layout.inside(relative), value);
    }

    private static List<Integer> epochs(List<CheckpointInfo> entries) {
        return entries.stream().map(CheckpointInfo::epoch).toList();
    }
}
