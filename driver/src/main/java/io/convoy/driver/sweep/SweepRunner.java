package io.convoy.driver.sweep;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.driver.config.Redaction;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.driver.train.TrainResult;
import io.convoy.driver.train.TrainingRun;
import io.convoy.driver.train.sharing.AeronDirectories;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a sweep's trials on one SparkContext: one after another, or {@code parallel} at a time, each trial's jobs in a
 * Spark FAIR scheduler pool of its own so that they share the executors. Finished trials (per the state file) are
 * skipped; an unfinished trial with a run directory continues from its last good checkpoint
 * ({@link TrainingRun#resume}); a trial that fails is marked failed with its error and the others go on.
 */
public final class SweepRunner {
    private static final Logger log = LoggerFactory.getLogger(SweepRunner.class);

    /** The outcome: every trial's row, and the results.html written. */
    public record Outcome(List<TrialResult> results, String resultsHtml) {
        public boolean allFinished() {
            return results.stream().allMatch(r -> r.status() == SweepState.Status.FINISHED);
        }
    }

    private final SweepPlan plan;
    private final Configuration hadoop;

    public SweepRunner(SweepPlan plan, Configuration hadoop) {
        this.plan = plan;
        this.hadoop = hadoop;
    }

    /**
     * The sweep's SparkContext: the first valid trial's spark.* settings (the base's, normally), with FAIR scheduling
     * when trials run in parallel. Throws when no trial has a valid configuration: nothing could run.
     */
    public JavaSparkContext sparkContext() {
        RunConfig first = firstValid();
        Map<String, String> conf = new LinkedHashMap<>(first.spark().conf());
        if (plan.parallel() > 1) {
            conf.put("spark.scheduler.mode", "FAIR");
        }
        return SparkContexts.create(new RunConfig.SparkSettings(first.spark().master(),
                first.spark().appName() + "-sweep-" + plan.spec().name(), conf));
    }

    private RunConfig firstValid() {
        return plan.firstValid().orElseThrow(() -> new SweepFileException(plan.spec().source()
                + ": no trial has a valid configuration; the first says: " + plan.trials().get(0).error())).config();
    }

    /** Runs the sweep on a SparkContext of its own, then stops it. */
    public Outcome run() {
        firstValid(); // nothing is written when nothing could run
        SweepState state = openState();
        Set<String> aeronBefore = AeronDirectories.snapshot();
        try (JavaSparkContext sc = sparkContext()) {
            return run(sc, state);
        } finally {
            AeronDirectories.removeNewSince(aeronBefore);
        }
    }

    /** Runs the sweep on a SparkContext the caller owns (FAIR scheduling must then be set on it for parallel trials). */
    public Outcome run(JavaSparkContext sc) {
        return run(sc, openState());
    }

    private SweepState openState() {
        SweepState state = SweepState.open(plan.dir(), plan.spec().name(), hadoop);
        Map<String, String> params = new LinkedHashMap<>();
        plan.trials().forEach(t -> params.put(t.name(), t.spec().parameterLine()));
        state.plan(params);
        return state;
    }

    private Outcome run(JavaSparkContext sc, SweepState state) {
        List<SweepPlan.PlannedTrial> todo = new ArrayList<>();
        for (SweepPlan.PlannedTrial t : plan.trials()) {
            if (!t.valid()) {
                log.error("trial {}: {}", t.name(), t.error());
                state.failed(t.name(), null, t.error(), 0);
            } else if (state.get(t.name()).map(s -> s.status() == SweepState.Status.FINISHED).orElse(false)) {
                log.info("trial {}: finished earlier, skipped ({})", t.name(), state.get(t.name()).get().runDir());
            } else {
                todo.add(t);
            }
        }
        log.info("sweep {}: {} trials, {} to run, {} at a time, directory {}", plan.spec().name(), plan.trials().size(),
                todo.size(), plan.parallel(), plan.dir());
        AtomicInteger done = new AtomicInteger();
        if (plan.parallel() == 1) {
            for (SweepPlan.PlannedTrial t : todo) {
                runTrial(sc, state, t, done.incrementAndGet(), todo.size());
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(plan.parallel(), r -> {
                Thread th = new Thread(r, "sweep-trial");
                th.setDaemon(true);
                return th;
            });
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (SweepPlan.PlannedTrial t : todo) {
                    futures.add(pool.submit(() -> runTrial(sc, state, t, done.incrementAndGet(), todo.size())));
                }
                for (Future<?> f : futures) {
                    try {
                        f.get();
                    } catch (java.util.concurrent.ExecutionException e) {
                        // runTrial records its own failures; anything else is a bug worth stopping for
                        throw new IllegalStateException("sweep trial thread failed: " + e.getCause(), e.getCause());
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException("interrupted while waiting for the sweep's trials", e);
                    }
                }
            } finally {
                pool.shutdownNow();
            }
        }
        List<TrialResult> results = SweepResults.collect(plan, state, hadoop);
        String html = SweepResults.write(plan, results, hadoop);
        return new Outcome(results, html);
    }

    /** Runs one trial in the calling thread; records the outcome in the state, never throws for the trial's own failure. */
    private void runTrial(JavaSparkContext sc, SweepState state, SweepPlan.PlannedTrial t, int index, int count) {
        String pool = "trial-" + t.name();
        sc.setLocalProperty("spark.scheduler.pool", plan.parallel() > 1 ? pool : null);
        sc.setJobGroup("sweep-" + plan.spec().name() + "-" + t.name(), "sweep " + plan.spec().name() + ", trial " + t.name(),
                false);
        long start = System.nanoTime();
        String runDir = null;
        try {
            Optional<String> existing = existingRunDir(t.name());
            runDir = existing.orElse(null);
            state.started(t.name(), runDir);
            TrainingRun run;
            if (existing.isPresent()) {
                log.info("trial {} ({}/{}): resuming {} from its last good checkpoint", t.name(), index, count, runDir);
                // the saved configuration has its secrets redacted: they come again from this sweep's own
                run = TrainingRun.resume(runDir, List.of(), t.config().resolved());
            } else {
                log.info("trial {} ({}/{}): {}", t.name(), index, count, t.spec().parameterLine());
                run = new TrainingRun(t.config());
            }
            TrainResult result = run.run(sc);
            runDir = result.runDir();
            state.finished(t.name(), runDir, (System.nanoTime() - start) / 1e9);
            log.info("trial {}: finished, top-1 error {}%, run directory {}", t.name(),
                    String.format("%.2f", 100 * result.finalEval().top1Error()), runDir);
        } catch (Exception e) {
            String error = Redaction.scrub(e.getClass().getSimpleName() + ": " + e.getMessage());
            log.error("trial {} failed; the sweep goes on", t.name(), e);
            if (runDir == null) {
                try {
                    runDir = existingRunDir(t.name()).orElse(null);
                } catch (RuntimeException listing) {
                    e.addSuppressed(listing);
                }
            }
            state.failed(t.name(), runDir, error, (System.nanoTime() - start) / 1e9);
        } finally {
            sc.clearJobGroup();
            sc.setLocalProperty("spark.scheduler.pool", null);
        }
    }

    /**
     * The trial's run directory from an earlier attempt: one under {@code <sweep>/runs/<trial>/} holding config.conf and
     * normalization.json (a directory a kill interrupted before those were written has nothing to resume from). Run ids
     * start with their UTC time, so the newest sorts last.
     */
    Optional<String> existingRunDir(String trial) {
        Path parent = HadoopPaths.resolve(SweepPlan.trialParent(plan.dir(), trial));
        FileSystem fs = HadoopPaths.fileSystem(parent, hadoop);
        try {
            List<Path> candidates = new ArrayList<>();
            for (FileStatus s : fs.listStatus(parent)) {
                if (s.isDirectory() && RunLayout.isResumable(fs, s.getPath())) {
                    candidates.add(s.getPath());
                }
            }
            if (candidates.size() > 1) {
                log.warn("trial {}: {} run directories in {}; continuing the newest", trial, candidates.size(), parent);
            }
            return candidates.stream().max(Comparator.comparing(Path::getName)).map(Path::toString);
        } catch (FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + parent + ": " + e.getMessage(), e);
        }
    }
}
