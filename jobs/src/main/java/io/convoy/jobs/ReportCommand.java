package io.convoy.jobs;

import io.convoy.driver.report.RunData;
import io.convoy.driver.report.RunReports;
import io.convoy.driver.spark.SparkContexts;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Write report.html (self-contained: charts embedded) and report.md into a run directory: curves",
                "of training loss, validation top-1/top-5 error, learning rate and throughput by epoch, the",
                "checkpoints and their evaluations, per-class accuracy of the best, the resolved configuration.",
                "With --runs, compare every run under a directory side by side (runs-report.html/.md there)."},
        footer = {"", "Examples:", "  convoy report --run runs/quickstart-20261123-111732-daae", "  convoy report --runs runs"})
final class ReportCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", paramLabel = "DIR", description = "One run directory (local path or Hadoop URI).")
    String run;

    @Option(names = "--runs", paramLabel = "DIR", description = "A directory of run directories to compare.")
    String runs;

    @Override
    public Integer call() {
        if ((run == null) == (runs == null)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "give exactly one of --run DIR and --runs DIR");
        }
        if (run != null) {
            RunReports.Written w = RunReports.writeRun(run, SparkContexts.hadoopConf(Map.of()));
            RunData d = w.runs().get(0);
            System.out.printf(Locale.ROOT, "%s: %s%s, %d evaluated checkpoint result(s) -> %s, %s%n", d.id(),
                    d.model(), d.best().map(b -> String.format(Locale.ROOT, ", best top-1 error %.2f%% top-5 error %.2f%% (epoch %d)",
                            100 * b.top1Error(), 100 * b.top5Error(), b.epoch())).orElse(", no evaluated epoch"),
                    d.evaluations().size(), w.html(), w.markdown());
        } else {
            RunReports.Written w = RunReports.writeComparison(runs, SparkContexts.hadoopConf(Map.of()));
            System.out.printf(Locale.ROOT, "%d runs compared -> %s, %s%n", w.runs().size(), w.html(), w.markdown());
        }
        return 0;
    }
}
