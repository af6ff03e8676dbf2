package io.convoy.driver.sweep;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.convoy.driver.HadoopPaths;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code sweep-state.json} in the sweep directory: per trial its status, error, run directory, times. Rewritten as a
 * whole after every change, under a temporary name renamed into place (the previous version is moved aside first and
 * read when a crash came between the two renames), so a killed sweep always leaves a complete state behind.
 * Thread-safe: trials running in parallel update it.
 */
public final class SweepState {
    public static final String FILE = "sweep-state.json";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public enum Status { PENDING, RUNNING, FINISHED, FAILED }

    /**
     * @param wallSeconds time spent in this trial, summed over the attempts that ended (finished or failed)
     * @param attempts    times the trial was started (a resume after a kill is another attempt)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Trial(Status status, String error, String runDir, String parameters, String started, String ended,
                        double wallSeconds, int attempts) {
        static Trial pending(String parameters) {
            return new Trial(Status.PENDING, null, null, parameters, null, null, 0, 0);
        }
    }

    /** The file's content. */
    public record Content(String sweep, String updated, Map<String, Trial> trials) {
    }

    private final FileSystem fs;
    private final Path file;
    private final String sweep;
    private final Map<String, Trial> trials;

    private SweepState(FileSystem fs, Path file, String sweep, Map<String, Trial> trials) {
        this.fs = fs;
        this.file = file;
        this.sweep = sweep;
        this.trials = trials;
    }

    /** Reads the state of the sweep directory, or starts an empty one. */
    public static SweepState open(String sweepDir, String sweep, Configuration hadoop) {
        Path dir = HadoopPaths.resolve(sweepDir);
        FileSystem fs = HadoopPaths.fileSystem(dir, hadoop);
        Path file = new Path(dir, FILE);
        Map<String, Trial> trials = new LinkedHashMap<>();
        read(fs, file).ifPresent(c -> trials.putAll(c.trials()));
        return new SweepState(fs, file, sweep, trials);
    }

    /** The state as last written, if any (also what a monitoring script or a test sees). */
    public static Optional<Content> read(String sweepDir, Configuration hadoop) {
        Path dir = HadoopPaths.resolve(sweepDir);
        return read(HadoopPaths.fileSystem(dir, hadoop), new Path(dir, FILE));
    }

    private static Optional<Content> read(FileSystem fs, Path file) {
        for (Path p : new Path[] {file, aside(file)}) {
            try (InputStream in = fs.open(p)) {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                in.transferTo(buf);
                return Optional.of(JSON.readValue(buf.toByteArray(), Content.class));
            } catch (java.io.FileNotFoundException e) {
                // not written yet, or between the two renames of an update: try the copy moved aside
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read sweep state " + p + ": " + e.getMessage(), e);
            }
        }
        return Optional.empty();
    }

    public synchronized Optional<Trial> get(String trial) {
        return Optional.ofNullable(trials.get(trial));
    }

    public synchronized Map<String, Trial> all() {
        return new LinkedHashMap<>(trials);
    }

    /** Lists the trials in plan order (a trial no longer in the file keeps its entry, after them). */
    public synchronized void plan(Map<String, String> parametersByTrial) {
        Map<String, Trial> ordered = new LinkedHashMap<>();
        parametersByTrial.forEach((name, params) -> {
            Trial t = trials.get(name);
            ordered.put(name, t == null ? Trial.pending(params)
                    : new Trial(t.status(), t.error(), t.runDir(), params, t.started(), t.ended(), t.wallSeconds(), t.attempts()));
        });
        trials.forEach(ordered::putIfAbsent);
        trials.clear();
        trials.putAll(ordered);
        write();
    }

    public synchronized void started(String trial, String runDir) {
        Trial t = trials.get(trial);
        trials.put(trial, new Trial(Status.RUNNING, null, runDir, t.parameters(), Instant.now().toString(), null,
                t.wallSeconds(), t.attempts() + 1));
        write();
    }

    public synchronized void finished(String trial, String runDir, double seconds) {
        Trial t = trials.get(trial);
        trials.put(trial, new Trial(Status.FINISHED, null, runDir, t.parameters(), t.started(), Instant.now().toString(),
                t.wallSeconds() + seconds, t.attempts()));
        write();
    }

    public synchronized void failed(String trial, String runDir, String error, double seconds) {
        Trial t = trials.get(trial);
        trials.put(trial, new Trial(Status.FAILED, error, runDir, t.parameters(), t.started(), Instant.now().toString(),
                t.wallSeconds() + seconds, t.attempts()));
        write();
    }

    private void write() {
        Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
        Path old = aside(file);
        try {
            byte[] bytes = JSON.writeValueAsBytes(new Content(sweep, Instant.now().toString(), trials));
            fs.mkdirs(file.getParent());
            try (OutputStream out = fs.create(tmp, true)) {
                out.write(bytes);
            }
            // Hadoop's rename does not overwrite: move the old state aside, rename the new one in, then drop the old
            if (fs.exists(file)) {
                fs.delete(old, false);
                if (!fs.rename(file, old)) {
                    throw new IOException("cannot move " + file + " aside");
                }
            }
            if (!fs.rename(tmp, file)) {
                throw new IOException("cannot rename " + tmp + " to " + file);
            }
            fs.delete(old, false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write sweep state " + file + ": " + e.getMessage(), e);
        }
    }

    private static Path aside(Path file) {
        return new Path(file.getParent(), "." + file.getName() + ".old");
    }
}
