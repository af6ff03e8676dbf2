package io.convoy.jobs;

import io.convoy.driver.spark.SparkContexts;
import io.convoy.driver.sweep.Budget;
import io.convoy.driver.sweep.SweepFile;
import io.convoy.driver.sweep.SweepPlan;
import io.convoy.driver.sweep.SweepRunner;
import io.convoy.driver.sweep.SweepSpec;
import io.convoy.driver.sweep.TrialResult;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = {"Run an ablation sweep: every trial a training run in the sweep directory, on one SparkContext;",
                "then results.md, results.csv and results.html. Re-running skips finished trials and resumes",
                "unfinished ones from their checkpoints. Exit code 0: every trial finished; 1: a trial failed;",
                "2: a bad sweep file (or no trial with a valid configuration)."},
        footer = {"", "Examples:",
                "  convoy sweep conf/sweeps/degradation.conf data.path=/data/cifar-10-batches-bin",
                "  convoy sweep conf/sweeps/degradation.conf data.path=/data/cifar10 --epochs 2 --train-limit 5000 --width 0.25",
                "  convoy sweep conf/sweeps/sync.conf data.path=hdfs://nn/cifar10 --dir hdfs://nn/sweeps/sync --dry-run"})
final class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SWEEP_FILE", description = "A sweep file (HOCON), e.g. conf/sweeps/degradation.conf.")
    File file;

    @Parameters(index = "1..*", arity = "0..*", paramLabel = "KEY=VALUE",
            description = "Run-config overrides for every trial (e.g. data.path=..., spark.master=...); a trial's own win.")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--dir", paramLabel = "DIR", description = "The sweep directory (default: sweep.dir, else sweeps/NAME).")
    String dir;

    @Option(names = "--parallel", paramLabel = "N", description = "Trials at once (default: sweep.parallel).")
    Integer parallel;

    @Option(names = "--epochs", paramLabel = "N", description = "Budget: train.epochs of every trial.")
    Integer epochs;

    @Option(names = "--train-limit", paramLabel = "N", description = "Budget: the first N training records.")
    Integer trainLimit;

    @Option(names = "--test-limit", paramLabel = "N", description = "Budget: the first N test records.")
    Integer testLimit;

    @Option(names = "--width", paramLabel = "W", description = "Budget: model width multiplier (model.width).")
    Double width;

    @Option(names = "--dry-run", description = "Validate every trial's configuration and list the trials; train nothing.")
    boolean dryRun;

    @Override
    public Integer call() {
        SweepSpec spec = SweepFile.load(file);
        SweepPlan plan = SweepPlan.of(spec, overrides, new Budget(epochs, trainLimit, testLimit, width), dir, parallel);
        if (dryRun) {
            boolean allValid = true;
            System.out.printf("sweep %s: %d trials, directory %s%n", spec.name(), plan.trials().size(), plan.dir());
            for (SweepPlan.PlannedTrial t : plan.trials()) {
                allValid &= t.valid();
                System.out.printf("  %-28s %s%s%n", t.name(), t.spec().parameterLine(),
                        t.valid() ? "" : "  INVALID: " + t.error());
            }
            return allValid ? 0 : ConvoyCli.EXIT_USAGE;
        }
        SweepRunner.Outcome outcome = new SweepRunner(plan, SparkContexts.hadoopConf(
                plan.firstValid().map(t -> t.config().spark().conf()).orElse(Map.of()))).run();
        System.out.printf("sweep %s: %s%n", spec.name(), plan.dir());
        for (TrialResult r : outcome.results()) {
            System.out.printf("  %-28s %-8s %s%n", r.trial(), r.status().name().toLowerCase(Locale.ROOT),
                    r.top1Error() == null ? (r.error() == null ? "" : r.error())
                            : String.format(Locale.ROOT, "top-1 error %.2f%%, top-5 error %.2f%% (%d/%d epochs)",
                            100 * r.top1Error(), 100 * r.top5Error(), r.epochsDone(), r.epochsPlanned()));
        }
        System.out.printf("results: %s%n", outcome.resultsHtml());
        return outcome.allFinished() ? 0 : ConvoyCli.EXIT_FAILED;
    }
}
