package io.convoy.jobs;

import io.convoy.driver.eval.EvaluationRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = {"Evaluate a checkpoint of a run on the test split of the run's data:",
                "top-1/top-5 error, counted exactly; writes eval-epoch-NNNN.json into the run directory."},
        footer = {"", "Example:", "  convoy evaluate --run runs/resnet8-20261123-101500-1a2b --checkpoint latest"})
final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory (local path or Hadoop URI).")
    String run;

    @Option(names = "--checkpoint", defaultValue = "latest", paramLabel = "latest|epoch-N",
            description = "Which checkpoint (default: ${DEFAULT-VALUE}).")
    String checkpoint;

    @Parameters(arity = "0..*", paramLabel = "KEY=VALUE",
            description = "Overrides of the run's saved config, e.g. data.path=/elsewhere spark.master=local[2].")
    List<String> overrides = new ArrayList<>();

    @Override
    public Integer call() {
        EvaluationRun.Result r = new EvaluationRun(run, checkpoint, overrides).run();
        System.out.printf("%s (epoch %d): %d records, top-1 error %.2f%%, top-5 error %.2f%%, mean NLL %.4f%n",
                r.checkpoint().info().file(), r.checkpoint().info().epoch(), r.counts().total(),
                100 * r.counts().top1Error(), 100 * r.counts().top5Error(), r.counts().meanNll());
        return 0;
    }
}
