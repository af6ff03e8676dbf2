package io.convoy.driver.checkpoint;

/**
 * Which checkpoints a run keeps (config keys {@code checkpoint.keep-last}, {@code checkpoint.keep-best}).
 *
 * @param keepLast the newest {@code keepLast} checkpoints stay; 0 keeps every checkpoint
 * @param keepBest also keep the checkpoint with the lowest validation top-1 error ({@value #BEST_METRIC} in
 *                 its manifest entry), however old; checkpoints without that metric never count as best
 */
public record RetentionPolicy(int keepLast, boolean keepBest) {
    /** The manifest metric "best" is judged by; lower is better. */
    public static final String BEST_METRIC = "top1_error";
    public static final RetentionPolicy KEEP_ALL = new RetentionPolicy(0, true);

    public RetentionPolicy {
        if (keepLast < 0) {
            throw new IllegalArgumentException("checkpoint.keep-last = " + keepLast + ": expected 0 (keep all) or more");
        }
    }

    public boolean keepsAll() {
        return keepLast == 0;
    }
}
