package io.convoy.driver.checkpoint;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which checkpoints a run keeps (config keys {@code checkpoint.keep-last}, {@code checkpoint.keep-best}).
 *
 * @param keepLast the newest {@code keepLast} checkpoints stay; 0 keeps every checkpoint
 * @param keepBest also keep the checkpoint with the lowest validation top-1 error ({@link #BEST_METRIC} in
 *                 its manifest entry), however old; checkpoints without that metric never count as best
 */
public record RetentionPolicy(int keepLast, boolean keepBest) {
    /** The manifest metric "best" is judged by; lower is better. */
    public static final String BEST_METRIC = EpochMetrics.TOP1_ERROR;
    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, true);

    public RetentionPolicy {
        if (keepLast < 0) {
            throw new IllegalArgumentException("checkpoint.keep-last = " + keepLast + ": expected 0 (keep all) or more");
        }
    }

    public boolean keepsAll() {
        return keepLast == 0;
    }

    /** The entries this policy keeps: the newest keepLast, plus the lowest top-1 error if keepBest (ties: the later). */
    Set<CheckpointInfo> kept(List<CheckpointInfo> oldestFirst) {
        if (keepsAll()) {
            return new LinkedHashSet<>(oldestFirst);
        }
        Set<CheckpointInfo> keep = new LinkedHashSet<>(
                oldestFirst.subList(Math.max(0, oldestFirst.size() - keepLast), oldestFirst.size()));
        if (keepBest) {
            CheckpointInfo best = null;
            for (CheckpointInfo c : oldestFirst) {
                double m = c.top1Error();
                if (!Double.isNaN(m) && (best == null || m <= best.top1Error())) {
                    best = c;
                }
            }
            if (best != null) {
                keep.add(best);
            }
        }
        return keep;
    }
}
