package io.convoy.driver.sweep;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.config.ConfigKeys;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.Redaction;
import io.convoy.driver.config.RunConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.Path;

/**
 * A sweep with every trial's run configuration built and validated before any trial starts. A trial whose
 * configuration is refused carries the error instead; it is reported failed and the others go on.
 *
 * @param dir    the sweep directory, qualified
 * @param budget the file's budget with the command line's switches on top
 */
public record SweepPlan(SweepSpec spec, String dir, Budget budget, int parallel, List<PlannedTrial> trials) {

    /**
     * @param overrides everything given to {@link ConfigLoader#load} after the base file, in order: the inline base
     *                  and sweep.overrides, the command line's, the trial's, the budget's, then run.dir and run.name
     * @param config    the validated configuration, or null when it was refused
     * @param error     why it was refused, or null
     */
    public record PlannedTrial(TrialSpec spec, List<String> overrides, RunConfig config, String error) {
        public String name() {
            return spec.name();
        }

        public boolean valid() {
            return config != null;
        }
    }

    /** Folder of a trial's run directory: {@code <sweep dir>/runs/<trial>/<trial>-<time>-<random>}. */
    public static String trialParent(String sweepDir, String trial) {
        return new Path(new Path(sweepDir, "runs"), trial).toString();
    }

    /**
     * @param cliOverrides  key=value for every trial (e.g. data.path=...), after the sweep's common overrides
     * @param cliBudget     budget switches from the command line, over the file's
     * @param cliDir        the sweep directory from the command line, or null for the file's
     * @param cliParallel   trials at once from the command line, or null for the file's
     */
    public static SweepPlan of(SweepSpec spec, List<String> cliOverrides, Budget cliBudget, String cliDir, Integer cliParallel) {
        String dir = HadoopPaths.resolve(cliDir != null ? cliDir : spec.dir()).toString();
        Budget budget = spec.budget().overriddenBy(cliBudget);
        int parallel = cliParallel != null ? cliParallel : spec.parallel();
        SweepFile.PARALLEL.refusal(parallel).ifPresent(expected -> {
            throw new SweepFileException("--parallel " + parallel + ": expected " + expected);
        });
        List<PlannedTrial> trials = new ArrayList<>();
        for (TrialSpec t : spec.trials()) {
            List<String> overrides = new ArrayList<>(spec.common());
            overrides.addAll(cliOverrides);
            overrides.addAll(t.overrides());
            overrides.addAll(budget.overrides());
            overrides.add(ConfigKeys.RUN_DIR.path() + "=" + trialParent(dir, t.name()));
            overrides.add(ConfigKeys.RUN_NAME.path() + "=" + t.name());
            RunConfig config = null;
            String error = null;
            try {
                config = ConfigLoader.load(spec.baseFile(), overrides);
            } catch (RuntimeException e) {
                // ConfigValidationException names the key; anything else (a model zoo refusal) is as much the trial's
                error = Redaction.scrub("invalid configuration: " + e.getMessage());
            }
            trials.add(new PlannedTrial(t, List.copyOf(overrides), config, error));
        }
        return new SweepPlan(spec, dir, budget, parallel, List.copyOf(trials));
    }

    public Optional<PlannedTrial> firstValid() {
        return trials.stream().filter(PlannedTrial::valid).findFirst();
    }
}
