package io.convoy.driver.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.Path;

/**
 * {@code manifest.json}: {@code {"run": <id>, "checkpoints": [entry, ...]}}, one {@link CheckpointInfo} per
 * checkpoint, oldest first. An entry is added only after its checkpoint is complete, so it always points at a
 * whole file.
 */
final class Manifest {
    private static final String RUN = "run";
    private static final String CHECKPOINTS = "checkpoints";

    private final AtomicFiles files;
    private final Path path;
    private final String runId;

    Manifest(AtomicFiles files, Path path, String runId) {
        this.files = files;
        this.path = path;
        this.runId = runId;
    }

    /** The entries, oldest first; none when there is no manifest yet. */
    List<CheckpointInfo> entries() {
        try {
            if (!files.fs().exists(path)) {
                return List.of();
            }
            Map<String, Object> m = AtomicFiles.JSON.readValue(files.read(path), new TypeReference<>() { });
            if (m == null || !(m.get(CHECKPOINTS) instanceof List)) {
                throw new RunStoreException("manifest " + path + " has no \"" + CHECKPOINTS + "\" list");
            }
            List<CheckpointInfo> all = new ArrayList<>(
                    AtomicFiles.JSON.convertValue(m.get(CHECKPOINTS), new TypeReference<List<CheckpointInfo>>() { }));
            all.sort(Comparator.comparingInt(CheckpointInfo::epoch));
            return all;
        } catch (IOException | IllegalArgumentException e) {
            throw new RunStoreException("manifest " + path + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Replaces the manifest with {@code entries}, sorted by epoch. */
    void write(List<CheckpointInfo> entries) {
        List<CheckpointInfo> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingInt(CheckpointInfo::epoch));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(RUN, runId);
        m.put(CHECKPOINTS, sorted);
        files.writeJson(path, m);
    }
}
