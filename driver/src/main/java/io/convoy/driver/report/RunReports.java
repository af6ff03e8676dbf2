package io.convoy.driver.report;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.checkpoint.CheckpointInfo;
import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.driver.checkpoint.RunStoreException;
import io.convoy.driver.eval.EvaluationRecord;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code report.html} and {@code report.md} for one run, and {@code runs-report.html} /
 * {@code runs-report.md} comparing the runs under a parent directory.
 */
public final class RunReports {
    private static final Logger log = LoggerFactory.getLogger(RunReports.class);
    public static final String RUN_REPORT = RunLayout.REPORT;
    public static final String COMPARISON = "runs-report";

    private RunReports() {
    }

    /** What was written: the report files and the runs they cover. */
    public record Written(String html, String markdown, List<RunData> runs) {
    }

    /** Writes the report of one run into its directory. */
    public static Written writeRun(String runDir, Configuration hadoop) {
        RunData run = RunData.read(runDir, hadoop);
        Report r = runReport(run);
        Path dir = new Path(run.dir());
        FileSystem fs = HadoopPaths.fileSystem(dir, hadoop);
        r.write(fs, dir, RUN_REPORT);
        return new Written(new Path(dir, RUN_REPORT + ".html").toString(), new Path(dir, RUN_REPORT + ".md").toString(),
                List.of(run));
    }

    /** Writes the comparison of every run directory (one with a config.conf) directly under {@code parentDir}. */
    public static Written writeComparison(String parentDir, Configuration hadoop) {
        Path parent = HadoopPaths.resolve(parentDir);
        FileSystem fs = HadoopPaths.fileSystem(parent, hadoop);
        List<RunData> runs = new ArrayList<>();
        try {
            for (FileStatus s : fs.listStatus(parent)) {
                if (s.isDirectory() && RunLayout.isRun(fs, s.getPath())) {
                    try {
                        runs.add(RunData.read(s.getPath().toString(), hadoop));
                    } catch (RunStoreException | UncheckedIOException e) {
                        log.warn("leaving run {} out of the comparison: {}", s.getPath().getName(), e.getMessage());
                    }
                }
            }
        } catch (FileNotFoundException e) {
            throw new RunStoreException("--runs " + parentDir + ": directory " + parent + " does not exist");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + parent, e);
        }
        if (runs.isEmpty()) {
            throw new RunStoreException("--runs " + parentDir + ": no run directories (with a config.conf) in " + parent);
        }
        runs.sort(Comparator.comparingDouble((RunData d) -> d.best().map(RunData.Best::top1Error).orElse(Double.MAX_VALUE))
                .thenComparing(RunData::id));
        Report r = comparison(parent.getName(), runs);
        Path dir = fs.makeQualified(parent);
        r.write(fs, dir, COMPARISON);
        return new Written(new Path(dir, COMPARISON + ".html").toString(), new Path(dir, COMPARISON + ".md").toString(), runs);
    }

    static Report runReport(RunData run) {
        Report r = new Report("Convoy run " + run.id());
        Optional<RunData.Best> best = run.best();
        List<List<String>> summary = new ArrayList<>();
        summary.add(List.of("run", run.id()));
        summary.add(List.of("directory", run.dir()));
        summary.add(List.of("model", run.model()));
        summary.add(List.of("trainable parameters", run.trainableParams().map(RunReports::count).orElse("-")));
        summary.add(List.of("data", run.dataFormat()));
        summary.add(List.of("epochs", run.epochsDone() + " of " + run.epochsPlanned()));
        summary.add(List.of("best top-1 error", best.map(b -> pct(b.top1Error())).orElse("-")));
        summary.add(List.of("best top-5 error", best.map(b -> pct(b.top5Error())).orElse("-")));
        summary.add(List.of("best checkpoint", best.map(b -> "epoch " + b.epoch() + " (" + b.source() + ")").orElse("-")));
        summary.add(List.of("wall time", run.wallTime().map(RunReports::duration).orElse("-")));
        summary.add(List.of("training time", duration(Duration.ofMillis(Math.round(run.trainingSeconds() * 1000)))));
        double throughput = mean(run.epochs(), EpochMetrics::imagesPerSecond);
        summary.add(List.of("mean throughput", Double.isNaN(throughput) ? "-" : String.format(Locale.ROOT, "%.0f images/s", throughput)));
        r.table(new Table("summary", List.of("", "value"), summary));

        r.heading("Curves");
        r.paragraph("x axis: epochs; a fraction is a point inside an epoch. Loss per iteration where training sampled it "
                + "(train.loss-sample-every), the learning rate as the schedule set it (constant within an epoch, "
                + "logarithmic axis when it spans a decade or more), throughput and executor memory per epoch.");
        r.chart("loss.png", "Training loss", Charts.png("Training loss", "epoch", "loss", lossSeries(run.epochs())),
                "none recorded (gradient sharing reports no loss)");
        Map<Integer, double[]> val = run.validationByEpoch();
        r.chart("error.png", "Validation error (%)", Charts.png("Validation error", "epoch", "error (%)",
                List.of(new Charts.Series("top-1 error", validationSeries(val, 0)[0], validationSeries(val, 0)[1], Charts.Shape.POINTS),
                        new Charts.Series("top-5 error", validationSeries(val, 1)[0], validationSeries(val, 1)[1], Charts.Shape.POINTS))),
                "no epoch evaluated");
        r.chart("lr.png", "Learning rate", Charts.png("Learning rate", "epoch", "learning rate",
                List.of(learningRateSeries(run.epochs())), Charts.Scale.LOG_WHEN_WIDE), "none recorded");
        r.chart("throughput.png", "Training throughput (images/s)", Charts.png("Training throughput", "epoch", "images/s",
                List.of(points("images/s", run.epochs(), EpochMetrics::imagesPerSecond))), "none recorded");
        r.chart("memory.png", "Executor memory (MB, largest executor)", Charts.png("Executor memory", "epoch", "MB",
                List.of(points("resident set", run.epochs(), e -> e.diagnostic(EpochMetrics.EXECUTOR_RSS_MB)),
                        points("heap after GC", run.epochs(), e -> e.diagnostic(EpochMetrics.EXECUTOR_HEAP_AFTER_GC_MB)),
                        points("ND4J native", run.epochs(), e -> e.diagnostic("executor_nd4j_mb")))),
                "none recorded (runs before the executor probe)");

        r.heading("Epochs");
        List<List<String>> epochRows = new ArrayList<>();
        for (EpochMetrics e : run.epochs()) {
            epochRows.add(List.of(String.valueOf(e.epoch()),
                    fixed(orNaN(e.trainLoss()), 4), sci(orNaN(e.lr())),
                    pct(orNaN(e.top1Error())), pct(orNaN(e.top5Error())),
                    fixed(orNaN(e.testNll()), 4), fixed(orNaN(e.imagesPerSecond()), 0),
                    fixed(orNaN(e.epochSeconds()), 1)));
        }
        r.table(new Table("epochs", List.of("epoch", "training loss", "learning rate", "top-1 error", "top-5 error",
                "test NLL", "images/s", "seconds"), epochRows));

        r.heading("Checkpoints");
        List<List<String>> ckRows = new ArrayList<>();
        for (CheckpointInfo c : run.manifest()) {
            ckRows.add(List.of(String.valueOf(c.epoch()), c.file(), String.valueOf(c.iteration()),
                    String.format(Locale.ROOT, "%.1f MB", c.bytes() / 1e6), c.time()));
        }
        r.table(new Table("checkpoints", List.of("epoch", "file", "iteration", "size", "written"), ckRows));

        r.heading("Evaluated checkpoints");
        if (run.evaluations().isEmpty()) {
            r.paragraph("No checkpoint evaluated with `convoy evaluate` yet; the errors above are training's own "
                    + "evaluation after each epoch. Run: convoy evaluate --run " + run.dir() + " --new-only");
        } else {
            List<List<String>> evRows = new ArrayList<>();
            for (EvaluationRecord e : run.evaluations()) {
                EvaluationRecord.Scores d = e.deepestColumn();
                evRows.add(List.of(String.valueOf(e.epoch()), e.tta(), String.valueOf(e.views()), String.valueOf(e.records()),
                        pct(e.top1Error()), pct(e.top5Error()), fixed(e.meanNll(), 4),
                        d == null ? "-" : pct(d.top1Error()), d == null ? "-" : pct(d.top5Error()),
                        String.valueOf(e.evaluatedAt()), fixed(e.seconds(), 1)));
            }
            r.table(new Table("evaluations", List.of("epoch", "view", "views", "records", "top-1 error", "top-5 error",
                    "mean NLL", "deepest column top-1", "deepest column top-5", "evaluated at", "seconds"), evRows));
        }

        run.perClass().ifPresentOrElse(pc -> {
            r.heading("Per-class accuracy of the best checkpoint (epoch " + pc.epoch() + ", " + pc.source() + ")");
            List<List<String>> rows = new ArrayList<>();
            for (int k = 0; k < pc.accuracy().length; k++) {
                rows.add(List.of(k < pc.classNames().size() ? pc.classNames().get(k) : "class " + k,
                        pc.records() == null ? "-" : String.valueOf(pc.records()[k]), pct(pc.accuracy()[k])));
            }
            r.table(new Table("per-class", List.of("class", "records", "accuracy"), rows));
            if (pc.confusion() != null && pc.confusion().length <= 20) {
                r.heading("Confusion matrix of the best checkpoint (rows: true class, columns: predicted)");
                List<String> header = new ArrayList<>(List.of("true \\ predicted"));
                for (int k = 0; k < pc.confusion().length; k++) {
                    header.add(k < pc.classNames().size() ? pc.classNames().get(k) : "class " + k);
                }
                List<List<String>> rows2 = new ArrayList<>();
                for (int t = 0; t < pc.confusion().length; t++) {
                    List<String> row = new ArrayList<>();
                    row.add(header.get(t + 1));
                    for (long v : pc.confusion()[t]) {
                        row.add(String.valueOf(v));
                    }
                    rows2.add(row);
                }
                r.table(new Table("confusion", header, rows2));
            }
        }, () -> {
            r.heading("Per-class accuracy of the best checkpoint");
            r.paragraph("Not available: the best checkpoint has no per-class result yet (convoy evaluate --checkpoint best).");
        });

        r.heading("Resolved configuration");
        r.preformatted(run.configText());
        return r;
    }

    static Report comparison(String parentName, List<RunData> runs) {
        Report r = new Report("Convoy runs in " + parentName);
        List<List<String>> rows = new ArrayList<>();
        List<Charts.Series> curves = new ArrayList<>();
        for (RunData d : runs) {
            Optional<RunData.Best> b = d.best();
            rows.add(List.of(d.id(), d.model(), d.trainableParams().map(RunReports::count).orElse("-"),
                    d.epochsDone() + " of " + d.epochsPlanned(),
                    b.map(x -> pct(x.top1Error())).orElse("-"), b.map(x -> pct(x.top5Error())).orElse("-"),
                    b.map(x -> String.valueOf(x.epoch())).orElse("-"),
                    d.wallTime().map(RunReports::duration).orElse("-"),
                    duration(Duration.ofMillis(Math.round(d.trainingSeconds() * 1000)))));
            double[][] v = validationSeries(d.validationByEpoch(), 0);
            curves.add(new Charts.Series(d.id(), v[0], v[1], Charts.Shape.POINTS));
        }
        r.table(new Table("runs", List.of("run", "model", "trainable parameters", "epochs", "best top-1 error",
                "best top-5 error", "best epoch", "wall time", "training time"), rows));
        r.paragraph("Sorted by best top-1 error. Best: the checkpoint with the lowest validation top-1 error, counted by "
                + "convoy evaluate (centre view) where it ran, else by training's evaluation after the epoch.");
        r.chart("top1.png", "Validation top-1 error by epoch (%)", Charts.png("Validation top-1 error", "epoch", "error (%)", curves),
                "no run has an evaluated epoch");
        return r;
    }

    private static double[][] series(List<EpochMetrics> rows, Function<EpochMetrics, Double> metric) {
        List<double[]> points = new ArrayList<>();
        for (EpochMetrics row : rows) {
            double v = orNaN(metric.apply(row));
            if (!Double.isNaN(v)) {
                points.add(new double[] {row.epoch(), v});
            }
        }
        return new double[][] {points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray()};
    }

    private static Charts.Series points(String name, List<EpochMetrics> rows, Function<EpochMetrics, Double> metric) {
        double[][] s = series(rows, metric);
        return new Charts.Series(name, s[0], s[1], Charts.Shape.POINTS);
    }

    /**
     * The rate of epoch e holds from e - 1 to e (the driver sets it before the epoch): a step from each epoch's
     * start, and a last point at the end of the last epoch so its step has a length.
     */
    static Charts.Series learningRateSeries(List<EpochMetrics> rows) {
        double[][] s = series(rows, EpochMetrics::lr);
        int n = s[0].length;
        double[] x = new double[n == 0 ? 0 : n + 1];
        double[] y = new double[x.length];
        for (int i = 0; i < n; i++) {
            x[i] = s[0][i] - 1;
            y[i] = s[1][i];
        }
        if (n > 0) {
            x[n] = s[0][n - 1];
            y[n] = s[1][n - 1];
        }
        return new Charts.Series("learning rate", x, y, Charts.Shape.STEPS);
    }

    /**
     * The loss sampled during each epoch ({@link EpochMetrics.LossSamples}: [iteration, loss] pairs, with the epoch's
     * first and last iteration) as a line at fractional epochs, and the epoch's loss as points at the epoch's end;
     * runs without samples have only the points.
     */
    static List<Charts.Series> lossSeries(List<EpochMetrics> rows) {
        List<double[]> samples = new ArrayList<>();
        for (EpochMetrics row : rows) {
            EpochMetrics.LossSamples s = row.lossSamples();
            if (s == null || !(s.iterationEnd() > s.iterationStart())) {
                continue;
            }
            double first = s.iterationStart();
            double last = s.iterationEnd();
            for (List<Double> pair : s.samples()) {
                double it = pair.get(0);
                double loss = pair.get(1);
                if (!Double.isNaN(it) && !Double.isNaN(loss)) {
                    samples.add(new double[] {row.epoch() - 1 + (it - first) / (last - first), loss});
                }
            }
        }
        double[][] byEpoch = series(rows, EpochMetrics::trainLoss);
        return List.of(new Charts.Series("every " + sampleSpacing(rows) + " iterations",
                        samples.stream().mapToDouble(p -> p[0]).toArray(), samples.stream().mapToDouble(p -> p[1]).toArray(),
                        Charts.Shape.LINE),
                new Charts.Series("epoch (last averaging round)", byEpoch[0], byEpoch[1], Charts.Shape.POINTS));
    }

    private static String sampleSpacing(List<EpochMetrics> rows) {
        return rows.stream().filter(r -> r.lossSamples() != null).findFirst()
                .map(r -> String.valueOf(r.lossSamples().every())).orElse("N");
    }

    private static double[][] validationSeries(Map<Integer, double[]> byEpoch, int which) {
        List<double[]> points = new ArrayList<>();
        byEpoch.forEach((epoch, v) -> {
            if (!Double.isNaN(v[which])) {
                points.add(new double[] {epoch, 100 * v[which]});
            }
        });
        return new double[][] {points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray()};
    }

    private static double mean(List<EpochMetrics> rows, Function<EpochMetrics, Double> metric) {
        return rows.stream().mapToDouble(r -> orNaN(metric.apply(r))).filter(v -> !Double.isNaN(v)).average().orElse(Double.NaN);
    }

    private static double orNaN(Double v) {
        return EpochMetrics.orNaN(v);
    }

    /** A fraction as a percentage with two decimals, as the CLI prints it; "-" when unknown. */
    static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String fixed(double v, int digits) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%." + digits + "f", v);
    }

    static String sci(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4g", v);
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String duration(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }
}
