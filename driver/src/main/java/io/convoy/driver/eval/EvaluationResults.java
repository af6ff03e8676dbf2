package io.convoy.driver.eval;

import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.checkpoint.RunStoreException;
import io.convoy.worker.augment.TestTimeAugmentation;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The evaluation results saved in a run directory ({@code eval-epoch-NNNN[-view].json}). */
public final class EvaluationResults {
    private static final Logger log = LoggerFactory.getLogger(EvaluationResults.class);

    private final FileSystem fs;
    private final RunStore store;

    public EvaluationResults(FileSystem fs, RunStore store) {
        this.fs = fs;
        this.store = store;
    }

    /**
     * The run's id, its directory name. ({@code RunStore.id()} is empty when the run was opened by a
     * local path: the directory URI then ends in '/'.)
     */
    public static String runId(RunStore store) {
        return new Path(store.dir().toString()).getName();
    }

    /** The run directory without a trailing '/'. */
    public static String runDir(RunStore store) {
        return new Path(store.dir().toString()).toString();
    }

    /** Epochs that have a result for this kind of view. */
    public Set<Integer> epochs(TestTimeAugmentation tta) {
        Set<Integer> out = new TreeSet<>();
        for (FileStatus s : list()) {
            RunLayout.evaluated(s.getPath().getName()).filter(e -> e.tta() == tta).ifPresent(e -> out.add(e.epoch()));
        }
        return out;
    }

    public boolean exists(int epoch, TestTimeAugmentation tta) {
        try {
            return fs.exists(new Path(store.dir(), RunLayout.evaluationFile(epoch, tta)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every readable result, by epoch then view; unreadable files are left out with a warning. */
    public List<EvaluationRecord> all() {
        List<EvaluationRecord> out = new ArrayList<>();
        for (FileStatus s : list()) {
            if (RunLayout.evaluated(s.getPath().getName()).isPresent()) {
                try {
                    out.add(store.readJson(s.getPath().getName(), EvaluationRecord.class));
                } catch (RunStoreException | UncheckedIOException e) {
                    log.warn("leaving out evaluation result {}: {}", s.getPath(), e.getMessage());
                }
            }
        }
        out.sort(Comparator.comparingInt(EvaluationRecord::epoch).thenComparing(r -> String.valueOf(r.tta())));
        return out;
    }

    private List<FileStatus> list() {
        try {
            return List.of(fs.listStatus(store.dir()));
        } catch (FileNotFoundException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + store.dir(), e);
        }
    }
}
