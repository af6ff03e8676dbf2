package io.convoy.driver.sweep;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.checkpoint.AtomicFiles;
import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.eval.EvaluationRecord;
import io.convoy.driver.report.Charts;
import io.convoy.driver.report.Report;
import io.convoy.driver.report.Table;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code results.md}, {@code results.csv} and {@code results.html} of a sweep: one row per trial (case, parameters,
 * status, epochs, training loss, top-1 and top-5 error, wall time, error) and overlaid curves by epoch of every trial
 * (test top-1 error; training loss: the degradation figure). HTML and Markdown through the run report's writer
 * (escaped, charts by XChart); CSV by Commons CSV, errors as fractions, for scripts.
 */
public final class SweepResults {
    private static final Logger log = LoggerFactory.getLogger(SweepResults.class);
    public static final String BASE = "results";
    public static final List<String> CSV_HEADER = List.of("case", "parameters", "status", "epochs", "epochs_planned",
            EpochMetrics.TRAIN_LOSS, EpochMetrics.TOP1_ERROR, EpochMetrics.TOP5_ERROR, "wall_seconds", "run_dir", "error");

    private SweepResults() {
    }

    /** Reads every trial of the plan back from the state and the run directories. */
    public static List<TrialResult> collect(SweepPlan plan, SweepState state, Configuration hadoop) {
        List<TrialResult> rows = new ArrayList<>();
        for (SweepPlan.PlannedTrial p : plan.trials()) {
            SweepState.Trial t = state.get(p.name()).orElse(SweepState.Trial.pending(p.spec().parameterLine()));
            int planned = p.valid() ? p.config().train().epochs() : 0;
            List<EpochMetrics> epochs = List.of();
            Double top1 = null;
            Double top5 = null;
            if (t.runDir() != null) {
                try {
                    RunStore store = RunStore.open(t.runDir(), hadoop);
                    planned = ConfigLoader.savedForReading(store.readConfig(), t.runDir() + "/" + RunLayout.CONFIG).train().epochs();
                    epochs = store.readMetrics();
                    if (t.status() == SweepState.Status.FINISHED) {
                        EvaluationRecord.Scores eval = store.readJson(RunLayout.EVAL_LATEST, EvaluationRecord.Scores.class);
                        top1 = eval.top1Error();
                        top5 = eval.top5Error();
                    }
                } catch (RuntimeException e) {
                    log.warn("trial {}: cannot read its run directory {}: {}", p.name(), t.runDir(), e.getMessage());
                }
            }
            EpochMetrics last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
            if (top1 == null && last != null) {
                top1 = last.top1Error();
                top5 = last.top5Error();
            }
            String error = p.valid() ? t.error() : p.error();
            SweepState.Status status = p.valid() ? t.status() : SweepState.Status.FAILED;
            rows.add(new TrialResult(p.name(), p.spec().parameterLine(), status, epochs.size(), planned,
                    last == null ? null : last.trainLoss(), top1, top5, t.wallSeconds(), t.runDir(), error, epochs));
        }
        return rows;
    }

    /** Writes the three files into the sweep directory (each atomically); returns the path of results.html. */
    public static String write(SweepPlan plan, List<TrialResult> rows, Configuration hadoop) {
        Path dir = HadoopPaths.resolve(plan.dir());
        FileSystem fs = HadoopPaths.fileSystem(dir, hadoop);
        writeCsv(fs, new Path(dir, BASE + ".csv"), rows);
        report(plan, rows).write(fs, dir, BASE);
        return new Path(dir, BASE + ".html").toString();
    }

    static Report report(SweepPlan plan, List<TrialResult> rows) {
        List<List<String>> cells = new ArrayList<>();
        for (TrialResult r : rows) {
            cells.add(List.of(r.trial(), r.parameters(), r.status().name().toLowerCase(Locale.ROOT),
                    r.epochsDone() + "/" + r.epochsPlanned(), fixed(r.trainLoss()), percent(r.top1Error()),
                    percent(r.top5Error()), duration(r.wallSeconds()), r.error() == null ? "" : r.error()));
        }
        Table table = new Table("results", List.of("case", "parameters", "status", "epochs", "train loss",
                "top-1 error", "top-5 error", "wall time", "error"), cells);
        Report report = new Report("Sweep " + plan.spec().name());
        report.paragraph(String.format("%d trials from %s, %s; budget: %s.", rows.size(), plan.spec().source(),
                plan.parallel() == 1 ? "one at a time" : plan.parallel() + " at a time in Spark FAIR pools",
                plan.budget().overrides().isEmpty() ? "as configured" : String.join(" ", plan.budget().overrides())));
        report.table(table);
        report.paragraph("Errors on the test split after the last epoch; training loss of the last epoch (parameter"
                + " averaging only). Wall time: time the sweep spent in the trial, over all its attempts.");
        report.heading("Curves");
        report.chart("top1-error.png", "test top-1 error by epoch", Charts.byEpoch("test top-1 error", "top-1 error (%)",
                series(rows, EpochMetrics::top1Error, 100)), "no epoch evaluated yet");
        report.chart("train-loss.png", "training loss by epoch", Charts.byEpoch("training loss", "loss",
                series(rows, EpochMetrics::trainLoss, 1)), "no training loss recorded (none under gradient sharing)");
        return report;
    }

    private static Map<String, double[][]> series(List<TrialResult> rows, Function<EpochMetrics, Double> metric, double scale) {
        Map<String, double[][]> out = new LinkedHashMap<>();
        for (TrialResult r : rows) {
            List<double[]> points = new ArrayList<>();
            for (EpochMetrics e : r.epochs()) {
                Double y = metric.apply(e);
                if (y != null) {
                    points.add(new double[] {e.epoch(), y * scale});
                }
            }
            double[][] xy = new double[2][points.size()];
            for (int i = 0; i < points.size(); i++) {
                xy[0][i] = points.get(i)[0];
                xy[1][i] = points.get(i)[1];
            }
            out.put(r.trial(), xy);
        }
        return out;
    }

    private static void writeCsv(FileSystem fs, Path target, List<TrialResult> rows) {
        try {
            new AtomicFiles(fs).write(target, out -> {
                Writer w = new OutputStreamWriter(out, StandardCharsets.UTF_8);
                CSVPrinter csv = new CSVPrinter(w, CSVFormat.RFC4180.builder()
                        .setHeader(CSV_HEADER.toArray(String[]::new)).build());
                for (TrialResult r : rows) {
                    csv.printRecord(r.trial(), r.parameters(), r.status().name().toLowerCase(Locale.ROOT), r.epochsDone(),
                            r.epochsPlanned(), plain(r.trainLoss()), plain(r.top1Error()), plain(r.top5Error()),
                            String.format(Locale.ROOT, "%.1f", r.wallSeconds()), r.runDir() == null ? "" : r.runDir(),
                            r.error() == null ? "" : r.error());
                }
                csv.flush(); // AtomicFiles closes the stream
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static String plain(Double v) {
        return v == null ? "" : String.valueOf(v);
    }

    private static String fixed(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String percent(Double v) {
        return v == null ? "" : String.format(Locale.ROOT, "%.2f%%", 100 * v);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
