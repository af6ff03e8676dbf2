package io.convoy.jobs;

import io.convoy.driver.eval.CheckpointSelection;
import io.convoy.driver.eval.EvaluationRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate checkpoints of a run on the test split of the run's data, on Spark: top-1/top-5 error",
                "(every record counted once), per-class accuracy, confusion matrix and mean NLL; a FractalNet also",
                "by its deepest column alone. Writes eval-epoch-NNNN[-flip|-ten-crop].json into the run directory",
                "and prints one line. Exit codes: 0 done (also: nothing new), 1 failed, 2 bad usage."},
        footer = {"", "Examples:",
                "  convoy evaluate --run runs/resnet8-20261123-101500-1a2b --checkpoint best",
                "  convoy evaluate --run hdfs://nn/convoy/runs/r1 --new-only      # from cron: every new checkpoint",
                "  convoy evaluate --run runs/r1 --tta ten-crop --input-size 224x224"})
final class EvaluateCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory (local path or Hadoop URI).")
    String run;

    @Option(names = "--checkpoint", paramLabel = "latest|best|epoch-N",
            description = {"Which checkpoint (default: latest). best: lowest validation top-1 error in the manifest.",
                    "A corrupt latest/best falls back to the previous good one."})
    String checkpoint;

    @Option(names = "--new-only", description = {"Every checkpoint not yet evaluated (with this --tta); evaluators",
            "started together share the work through claim files in the run directory."})
    boolean newOnly;

    @CommandLine.Mixin
    ViewOptions views;

    @Option(names = "--claim-timeout", defaultValue = "600", paramLabel = "SECONDS",
            description = "A claim not refreshed for this long belongs to a dead evaluator and is taken over (default: ${DEFAULT-VALUE}).")
    long claimTimeoutSeconds;

    @Parameters(arity = "0..*", paramLabel = "KEY=VALUE",
            description = "Overrides of the run's saved config, e.g. data.path=/elsewhere spark.master=local[2].")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        if (newOnly && checkpoint != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--new-only and --checkpoint exclude each other");
        }
        if (claimTimeoutSeconds <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--claim-timeout " + claimTimeoutSeconds + ": expected seconds > 0");
        }
        CheckpointSelection selection;
        if (newOnly) {
            selection = new CheckpointSelection.NewOnly();
        } else {
            selection = EvaluationRun.Options.of(checkpoint == null ? "latest" : checkpoint).selection();
        }
        EvaluationRun.Options options = new EvaluationRun.Options(selection, views.tta,
                Duration.ofSeconds(claimTimeoutSeconds), views.inputSize());
        EvaluationRun.Outcome outcome = new EvaluationRun(run, options, overrides).evaluate();
        System.out.println(outcome.summary());
        return outcome.failed() ? ConvoyCli.EXIT_FAILED : 0;
    }
}
