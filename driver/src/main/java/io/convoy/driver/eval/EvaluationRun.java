package io.convoy.driver.eval;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.checkpoint.CheckpointInfo;
import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.checkpoint.RunStoreException;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.ConfigValidationException;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.data.DatasetLoader;
import io.convoy.driver.data.TrainingData;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.augment.TestTimeAugmentation;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.zoo.InputShape;
import io.convoy.zoo.ParameterCounts;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Evaluates checkpoints of a run on the test split of the run's data and records each result in the
 * run directory ({@link EvaluationRecord}). Which checkpoints: {@link CheckpointSelection}. Each
 * checkpoint is claimed first ({@link EvaluationClaims}), so evaluators started together share the
 * work instead of repeating it; a checkpoint whose SHA-256 does not match the manifest, or that is
 * truncated, missing or unreadable, is skipped with a warning naming it. Spark starts only when there
 * is something to evaluate, so a scheduled {@code --new-only} with nothing new costs a manifest read.
 */
public final class EvaluationRun {
    private static final Logger log = LoggerFactory.getLogger(EvaluationRun.class);
    public static final Duration DEFAULT_CLAIM_TIMEOUT = Duration.ofMinutes(10);

    private final String runDir;
    private final Options options;
    private final List<String> overrides;
    private final String owner = EvaluationClaims.newOwner();

    /**
     * @param selection    which checkpoints
     * @param tta          the test-time views
     * @param claimTimeout a claim not refreshed for this long is taken over (its evaluator died)
     * @param inputSize    height x width the network takes, when smaller than the stored images (the
     *                     views are crops of this size); null: the stored size, as training fed them.
     *                     DL4J's saved graph does not record its input size, hence this option.
     */
    public record Options(CheckpointSelection selection, TestTimeAugmentation tta, Duration claimTimeout, int[] inputSize) {
        /** {@code latest}, {@code best} or {@code epoch-N} with the centre view. */
        public static Options of(String checkpoint) {
            try {
                return new Options(CheckpointSelection.parse(checkpoint), TestTimeAugmentation.CENTRE, DEFAULT_CLAIM_TIMEOUT, null);
            } catch (IllegalArgumentException e) {
                throw new CheckpointSelection.SelectionException(e.getMessage());
            }
        }
    }

    /** One checkpoint evaluated: its manifest entry, result file, and the counts of the net (and its deepest column). */
    public record Result(CheckpointInfo info, String resultFile, EvalCounts counts, EvalCounts deepestColumn,
                            double seconds) {
    }

    /** A checkpoint left out: corrupt, truncated, missing or unreadable. */
    public record Skipped(CheckpointInfo info, String reason) {
    }

    /** What an evaluation did. */
    public record Outcome(String run, Options options, int candidates, List<Result> evaluated, List<Skipped> skipped,
                          List<String> heldByOthers, int alreadyDone) {
        /**
         * Failed (exit code 1): latest, best or epoch-N found no good checkpoint to evaluate, and
         * none is being evaluated by another evaluator either.
         */
        public boolean failed() {
            return options.selection().stopsAtFirstGood() && evaluated.isEmpty() && heldByOthers.isEmpty();
        }

        /** One line for the command line and a scheduler's log. */
        public String summary() {
            String view = options.tta() == TestTimeAugmentation.CENTRE ? "" : " [" + options.tta().label() + "]";
            StringBuilder sb = new StringBuilder();
            if (!options.selection().stopsAtFirstGood()) {
                if (evaluated.isEmpty() && skipped.isEmpty() && heldByOthers.isEmpty()) {
                    return String.format(Locale.ROOT, "%s: nothing to evaluate%s (every checkpoint already evaluated)", run, view);
                }
                sb.append(run).append(": evaluated ").append(evaluated.size()).append(" of ").append(candidates)
                        .append(" new checkpoint").append(candidates == 1 ? "" : "s").append(view);
                if (!evaluated.isEmpty()) {
                    sb.append(" (").append(evaluated.stream().map(e -> "epoch " + e.info().epoch() + ": " + scores(e))
                            .collect(Collectors.joining("; "))).append(")");
                }
            } else if (!evaluated.isEmpty()) {
                Result e = evaluated.get(0);
                sb.append(String.format(Locale.ROOT, "%s (epoch %d)%s: %s", e.info().file(), e.info().epoch(), view, scores(e)));
            } else if (!heldByOthers.isEmpty()) {
                sb.append(run).append(": ").append(heldByOthers.get(0)).append(": nothing done here");
            } else {
                sb.append(run).append(": no good checkpoint to evaluate");
            }
            if (!skipped.isEmpty()) {
                sb.append("; skipped ").append(skipped.stream().map(s -> s.info().file() + " (" + s.reason() + ")")
                        .collect(Collectors.joining(", ")));
            }
            if (!options.selection().stopsAtFirstGood() && !heldByOthers.isEmpty()) {
                sb.append("; ").append(String.join(", ", heldByOthers));
            }
            if (alreadyDone > 0) {
                sb.append("; ").append(alreadyDone).append(" finished meanwhile by another evaluator");
            }
            return sb.toString();
        }

        private static String scores(Result e) {
            EvalCounts c = e.counts();
            String s = String.format(Locale.ROOT, "%d records, top-1 error %.2f%%, top-5 error %.2f%%, mean NLL %.4f",
                    c.total(), 100 * c.top1Error(), 100 * c.top5Error(), c.meanNll());
            if (e.deepestColumn() != null) {
                s += String.format(Locale.ROOT, ", deepest column: top-1 error %.2f%%, top-5 error %.2f%%",
                        100 * e.deepestColumn().top1Error(), 100 * e.deepestColumn().top5Error());
            }
            return s;
        }
    }

    /** @param overrides config overrides on top of the run's saved configuration (e.g. data.path, spark.master) */
    public EvaluationRun(String runDir, String checkpoint, List<String> overrides) {
        this(runDir, Options.of(checkpoint), overrides);
    }

    public EvaluationRun(String runDir, Options options, List<String> overrides) {
        this.runDir = runDir;
        this.options = options;
        this.overrides = List.copyOf(overrides);
    }

    /** Evaluates the one selected checkpoint (latest, best or epoch-N) with its own Spark context. */
    public Result run() {
        Outcome o = evaluate();
        if (o.evaluated().isEmpty()) {
            throw new RunStoreException(o.summary());
        }
        return o.evaluated().get(0);
    }

    /** Evaluates with a Spark context of its own, started only when a checkpoint is to be evaluated. */
    public Outcome evaluate() {
        JavaSparkContext[] own = new JavaSparkContext[1];
        try {
            return evaluate(config -> {
                if (own[0] == null) {
                    own[0] = SparkContexts.create(config.spark());
                }
                return own[0];
            });
        } finally {
            if (own[0] != null) {
                own[0].close();
            }
        }
    }

    /** Evaluates on a running Spark context (several evaluators may share one). */
    public Outcome evaluate(JavaSparkContext sc) {
        return evaluate(config -> sc);
    }

    private interface SparkProvider {
        JavaSparkContext get(RunConfig config);
    }

    private Outcome evaluate(SparkProvider spark) {
        RunStore opened = RunStore.open(runDir, SparkContexts.hadoopConf(ConfigLoader.sparkConfOf(overrides)));
        RunConfig config = ConfigLoader.fromSaved(opened.readConfig(), runDir + "/" + RunLayout.CONFIG, overrides);
        Configuration hadoop = SparkContexts.hadoopConf(config.spark().conf());
        RunStore store = RunStore.open(runDir, hadoop);
        FileSystem fs = HadoopPaths.fileSystem(store.dir(), hadoop);
        EvaluationResults results = new EvaluationResults(fs, store);
        TestTimeAugmentation tta = options.tta();
        Set<Integer> done = results.epochs(tta);
        List<CheckpointInfo> candidates = options.selection().candidates(store.manifest(), done);

        List<Result> evaluated = new ArrayList<>();
        List<Skipped> skipped = new ArrayList<>();
        List<String> held = new ArrayList<>();
        int alreadyDone = 0;
        EvaluationClaims claims = new EvaluationClaims(fs, store.dir(), options.claimTimeout(), owner);
        Data data = null;
        for (CheckpointInfo c : candidates) {
            String key = EvaluationRecord.key(c.epoch(), tta);
            EvaluationClaims.Attempt attempt = claims.tryClaim(key);
            if (attempt instanceof EvaluationClaims.Held h) {
                String msg = String.format(Locale.ROOT, "epoch %d is being evaluated by %s (claim refreshed %d s ago)",
                        c.epoch(), h.by(), h.age().toSeconds());
                log.info("{}: {}", EvaluationResults.runId(store), msg);
                held.add(msg);
                if (options.selection().stopsAtFirstGood()) {
                    break;
                }
                continue;
            }
            try (EvaluationClaims.Claim claim = ((EvaluationClaims.Won) attempt).claim()) {
                // another evaluator may have finished it between our listing and our claim
                if (options.selection() instanceof CheckpointSelection.NewOnly && results.exists(c.epoch(), tta)) {
                    alreadyDone++;
                    continue;
                }
                RunStore.Loaded loaded;
                try {
                    loaded = store.load("epoch-" + c.epoch());
                    if (loaded.info().epoch() != c.epoch()) {
                        throw new RunStoreException("the store gave epoch " + loaded.info().epoch() + " instead");
                    }
                } catch (RunStoreException | UncheckedIOException e) {
                    String reason = e instanceof UncheckedIOException && e.getCause() != null
                            ? e.getMessage() + ": " + e.getCause().getMessage() : e.getMessage();
                    log.warn("skipping checkpoint {} of run {} (epoch {}): {}", c.file(), EvaluationResults.runId(store), c.epoch(), reason);
                    skipped.add(new Skipped(c, reason));
                    continue;
                }
                if (data == null) {
                    data = loadData(store, config, hadoop);
                }
                JavaSparkContext sc = spark.get(config);
                if (data.rdd == null) {
                    data.rdd = (data.shards != null ? data.shards.testRecords(sc, sc.defaultParallelism())
                            : sc.parallelize(data.test.records(), sc.defaultParallelism())).cache();
                }
                evaluated.add(evaluateOne(sc, store, loaded, data, config, claim));
                if (options.selection().stopsAtFirstGood()) {
                    break;
                }
            }
        }
        if (data != null && data.rdd != null) {
            data.rdd.unpersist(false);
        }
        return new Outcome(EvaluationResults.runId(store), options, candidates.size(), evaluated, skipped, held, alreadyDone);
    }

    /** The test split and what belongs with it, read once per evaluation. */
    private static final class Data {
        ImageSplit test;
        Normalization norm;
        List<String> classNames;
        JavaRDD<ImageRecord> rdd;
        /** Prepared shards (data.format = shards): the test records are read, decoded and cropped in the tasks. */
        TrainingData shards;
    }

    private Data loadData(RunStore store, RunConfig config, Configuration hadoop) {
        Data d = new Data();
        if (config.data().format() == RunConfig.DataFormat.SHARDS) {
            d.shards = TrainingData.open(config.data(), hadoop);
            d.test = d.shards.testDescription();
        } else {
            d.test = new DatasetLoader(config.data(), hadoop).load(DatasetLoader.Split.TEST);
        }
        d.norm = store.readJson(RunLayout.NORMALIZATION, Normalization.class);
        d.classNames = ClassNames.of(config.data(), d.test.numClasses(), hadoop);
        return d;
    }

    private Result evaluateOne(JavaSparkContext sc, RunStore store, RunStore.Loaded loaded, Data data, RunConfig config,
                                  EvaluationClaims.Claim claim) {
        long start = System.nanoTime();
        ComputationGraphConfiguration conf = loaded.net().getConfiguration();
        InputShape stored = data.test.shape();
        InputShape network = options.inputSize() == null ? stored
                : new InputShape(stored.channels(), options.inputSize()[0], options.inputSize()[1]);
        Evaluator.Spec spec;
        try {
            spec = new Evaluator.Spec(data.test.shape(), network, data.test.numClasses(), data.norm,
                    config.eval().batchSize(), options.tta());
        } catch (IllegalArgumentException e) {
            throw new ConfigValidationException("--tta " + options.tta().label() + " on " + data.test.source() + ": "
                    + e.getMessage(), e);
        }
        List<ComputationGraphConfiguration> variants = new ArrayList<>(List.of(conf));
        FractalColumns.deepestColumn(conf).ifPresent(variants::add);
        List<EvalCounts> counts = Evaluator.evaluate(sc, variants, loaded.net().params(), data.rdd, spec);
        double seconds = (System.nanoTime() - start) / 1e9;
        EvalCounts full = counts.get(0);
        EvalCounts deepest = counts.size() > 1 ? counts.get(1) : null;
        if (claim.lost()) {
            log.warn("claim {} was taken over while evaluating; writing the result anyway (it is the same)", claim.path().getName());
        }
        CheckpointInfo info = loaded.info();
        EvaluationRecord record = new EvaluationRecord(EvaluationResults.runId(store), info.file(), info.epoch(), info.iteration(), info.sha256(),
                options.tta().label(), spec.views().size(), network.toString(), ParameterCounts.trainable(loaded.net()),
                Instant.now().toString(), seconds, owner, data.classNames,
                full.total(), full.top1Error(), full.top5Error(), full.meanNll(), full.perClassAccuracy(),
                full.perClassRecords(), full.confusionMatrix(),
                deepest == null ? null : EvaluationRecord.Scores.of(deepest));
        String file = EvaluationRecord.fileName(info.epoch(), options.tta());
        store.writeJson(file, record);
        log.info("run {} epoch {}{}: {} records, top-1 error {}%, top-5 error {}%, mean NLL {}{} ({} s) -> {}",
                EvaluationResults.runId(store), info.epoch(), options.tta() == TestTimeAugmentation.CENTRE ? "" : " [" + options.tta().label() + "]",
                full.total(), pct(full.top1Error()), pct(full.top5Error()), String.format(Locale.ROOT, "%.4f", full.meanNll()),
                deepest == null ? "" : "; deepest column: top-1 error " + pct(deepest.top1Error()) + "%, top-5 error "
                        + pct(deepest.top5Error()) + "%",
                String.format(Locale.ROOT, "%.1f", seconds), file);
        return new Result(info, file, full, deepest, seconds);
    }

    private static String pct(double v) {
        return String.format(Locale.ROOT, "%.2f", 100 * v);
    }
}
