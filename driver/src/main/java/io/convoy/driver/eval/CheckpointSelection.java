package io.convoy.driver.eval;

import io.convoy.driver.checkpoint.CheckpointInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which checkpoints of a run an evaluation takes, worked out from the run's manifest. Each selection
 * gives its candidates in the order to try them: when one turns out corrupt, {@code latest} falls back
 * to the one before it, {@code best} to the next best, and {@code new-only} simply goes on.
 */
public sealed interface CheckpointSelection {
    /** The newest checkpoint; fall back to older ones. */
    record Latest() implements CheckpointSelection {
    }

    /** The lowest validation top-1 error recorded in the manifest; fall back to the next lowest. */
    record Best() implements CheckpointSelection {
    }

    /** Exactly one epoch; no fallback. */
    record Epoch(int epoch) implements CheckpointSelection {
    }

    /** Every checkpoint without a result for this evaluation yet, oldest first. */
    record NewOnly() implements CheckpointSelection {
    }

    Pattern EPOCH = Pattern.compile("epoch-(\\d{1,9})");

    /** {@code latest}, {@code best} or {@code epoch-N}. */
    static CheckpointSelection parse(String s) {
        Matcher m = EPOCH.matcher(s);
        if (m.matches()) {
            return new Epoch(Integer.parseInt(m.group(1)));
        }
        return switch (s) {
            case "latest" -> new Latest();
            case "best" -> new Best();
            default -> throw new IllegalArgumentException("checkpoint '" + s + "': expected latest, best or epoch-N");
        };
    }

    /**
     * The candidates in the order to try them.
     *
     * @param evaluatedEpochs epochs that already have a result (used by {@link NewOnly} only)
     * @throws SelectionException when the selection cannot apply to this manifest (no checkpoints,
     *                            unknown epoch, no validation error recorded)
     */
    default List<CheckpointInfo> candidates(List<CheckpointInfo> manifest, Set<Integer> evaluatedEpochs) {
        List<CheckpointInfo> byEpoch = new ArrayList<>(manifest);
        byEpoch.sort(Comparator.comparingInt(CheckpointInfo::epoch));
        if (byEpoch.isEmpty() && !(this instanceof NewOnly)) {
            throw new SelectionException("the run has no checkpoints yet");
        }
        if (this instanceof Latest) {
            List<CheckpointInfo> newestFirst = new ArrayList<>(byEpoch);
            java.util.Collections.reverse(newestFirst);
            return newestFirst;
        }
        if (this instanceof Best) {
            List<CheckpointInfo> scored = new ArrayList<>(byEpoch.stream().filter(c -> top1(c) != null).toList());
            if (scored.isEmpty()) {
                throw new SelectionException("no checkpoint of the run has a validation top1_error in its manifest"
                        + " (training evaluated none); use latest or epoch-N");
            }
            // lowest error first; of equal errors the earlier epoch, which reached it first
            scored.sort(Comparator.comparingDouble((CheckpointInfo c) -> top1(c)).thenComparingInt(CheckpointInfo::epoch));
            return scored;
        }
        if (this instanceof Epoch e) {
            return List.of(byEpoch.stream().filter(c -> c.epoch() == e.epoch()).findFirst().orElseThrow(
                    () -> new SelectionException("checkpoint epoch-" + e.epoch() + " is not in the manifest; it has epochs "
                            + byEpoch.stream().map(CheckpointInfo::epoch).toList())));
        }
        return byEpoch.stream().filter(c -> !evaluatedEpochs.contains(c.epoch())).toList();
    }

    /** Whether a corrupt candidate is replaced by the next one (latest and best) or skipped (new-only) or fatal (epoch-N). */
    default boolean stopsAtFirstGood() {
        return this instanceof Latest || this instanceof Best || this instanceof Epoch;
    }

    private static Double top1(CheckpointInfo c) {
        double v = c.top1Error();
        return Double.isNaN(v) ? null : v;
    }

    /** A selection that does not fit the run (bad usage, exit code 2 on the command line). */
    final class SelectionException extends io.convoy.driver.checkpoint.RunStoreException {
        public SelectionException(String message) {
            super(message);
        }
    }
}
