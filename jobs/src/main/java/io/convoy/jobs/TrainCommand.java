package io.convoy.jobs;

import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.ConfigValidationException;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.eval.EvalCounts;
import io.convoy.driver.train.TrainResult;
import io.convoy.driver.train.TrainingRun;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Train a model on Spark: a checkpoint per epoch in a new run directory,",
                "then top-1/top-5 error on the test split."},
        footer = {"", "Examples:",
                "  convoy train conf/quickstart.conf data.path=/data/mnist",
                "  convoy train conf/resnet20-cifar10.conf data.path=hdfs://nn/cifar10 train.epochs=10",
                "  convoy train --resume runs/resnet20-20261123-120000-1a2b3c train.epochs=20"})
final class TrainCommand implements Callable<Integer> {
    @Parameters(arity = "0..*", paramLabel = "CONFIG|KEY=VALUE",
            description = {"A HOCON config file (first), then overrides such as train.epochs=5.",
                    "Every key and its default: driver/src/main/resources/convoy/reference.conf."})
    List<String> args = new ArrayList<>();

    @Option(names = "--resume", paramLabel = "RUN_DIR",
            description = {"Continue this run directory from its last good checkpoint, with its saved config;",
                    "the arguments are then overrides only (e.g. train.epochs=20 train.workers=4)."})
    String resume;

    @Override
    public Integer call() {
        TrainingRun run;
        RunConfig config;
        if (resume != null) {
            if (!args.isEmpty() && !args.get(0).contains("=")) {
                throw new ConfigValidationException("with --resume the run's saved config is used: expected only "
                        + "KEY=VALUE overrides, got '" + args.get(0) + "'");
            }
            run = TrainingRun.resume(resume, args);
            config = run.config();
        } else {
            ParsedArgs parsed = ParsedArgs.of(args);
            config = ConfigLoader.load(parsed.file(), parsed.overrides());
            run = new TrainingRun(config);
        }
        TrainResult result = run.run();
        EvalCounts eval = result.finalEval();
        System.out.printf("run directory: %s%n", result.runDir());
        System.out.printf("test: %d records, top-1 error %.2f%%, top-5 error %.2f%% (%s, %d epochs)%n",
                eval.total(), 100 * eval.top1Error(), 100 * eval.top5Error(), config.model().name(),
                config.train().epochs());
        return 0;
    }

    /** The first argument is a config file unless it has the form key=value. */
    record ParsedArgs(File file, List<String> overrides) {
        static ParsedArgs of(List<String> args) {
            if (!args.isEmpty() && !args.get(0).contains("=")) {
                return new ParsedArgs(new File(args.get(0)), args.subList(1, args.size()));
            }
            return new ParsedArgs(null, args);
        }
    }
}
