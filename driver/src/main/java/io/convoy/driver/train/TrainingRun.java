package io.convoy.driver.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.checkpoint.TrainingState;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.config.RunConfig.TrainSettings;
import io.convoy.driver.data.TrainingData;
import io.convoy.driver.eval.EvalCounts;
import io.convoy.driver.eval.EvaluationRecord;
import io.convoy.driver.eval.Evaluator;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.gpu.DevicePinning;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import io.convoy.zoo.schedule.EpochSchedule;
import io.convoy.zoo.ParameterCounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.learning.config.Sgd;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run: read and check the data, create the run directory, then per epoch reshuffle the
 * training records over the workers, fit with the configured {@link SyncScheme}, checkpoint, and evaluate.
 */
public final class TrainingRun {
    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    /** Seconds between progress lines while an epoch trains. */
    private static final long PROGRESS_SECONDS = 15;

    private final RunConfig config;
    private final SyncScheme scheme;
    /** The run directory to continue, or null for a new run. */
    private final String resumeDir;

    public TrainingRun(RunConfig config) {
        this(config, null);
    }

    private TrainingRun(RunConfig config, String resumeDir) {
        this.config = config;
        this.scheme = SyncScheme.of(config.train());
        this.resumeDir = resumeDir;
    }

    /**
     * Continues a run from its last good checkpoint (parameters, updater state, epoch, iteration; the data order
     * and augmentation follow from (seed, epoch), so the resumed epochs see the records and crops they would have
     * seen). The run's saved configuration applies, with {@code overrides} on top (e.g. more epochs, another
     * master, another train.workers: the checkpoint's global batch is then divided over the new worker count).
     */
    public RunConfig config() {
        return config;
    }

    public static TrainingRun resume(String runDir, List<String> overrides) {
        return resume(runDir, overrides, ConfigFactory.empty());
    }

    /**
     * As {@link #resume(String, List)}. The saved configuration has its secrets redacted: each comes again from
     * {@code overrides} or else from the same key of {@code secrets} (a sweep's freshly planned trial), or the resume
     * is refused naming the key ({@link ConfigLoader#fromSaved(String, String, List, Config)}).
     */
    public static TrainingRun resume(String runDir, List<String> overrides, Config secrets) {
        RunStore store = RunStore.open(runDir, SparkContexts.hadoopConf(ConfigLoader.sparkConfOf(overrides)));
        return new TrainingRun(ConfigLoader.fromSaved(store.readConfig(), runDir + "/" + RunLayout.CONFIG, overrides, secrets),
                runDir);
    }

    /** Runs on a SparkContext of its own, started after the data and configuration have been checked. */
    public TrainResult run() {
        // Everything that can be wrong with the input is found before Spark starts.
        Prepared p = prepare();
        Runnable cleanup = scheme.afterContextStops();
        try (JavaSparkContext sc = SparkContexts.create(config.spark())) {
            return fit(sc, p.net(), p.data(), p.norm(), p.store(), p.resumed());
        } finally {
            cleanup.run();
        }
    }

    /**
     * Runs on a SparkContext the caller owns and keeps (several runs of a sweep on one context, possibly at once
     * in their own scheduler pools). spark.* settings of this run's configuration do not apply then.
     */
    public TrainResult run(JavaSparkContext sc) {
        Prepared p = prepare();
        return fit(sc, p.net(), p.data(), p.norm(), p.store(), p.resumed());
    }

    private record Prepared(TrainingData data, Normalization norm, ComputationGraph net, RunStore store,
                            TrainingState resumed) {
    }

    private Prepared prepare() {
        Configuration hadoop = SparkContexts.hadoopConf(config.spark().conf());
        TrainingData data = TrainingData.open(config.data(), hadoop);
        Normalization norm = data.normalization();
        TrainSettings t = config.train();
        ModelRequest request = new ModelRequest(data.shape(), data.numClasses(), t.seed(), updater(t), t.weightDecay(),
                config.model().width());
        ComputationGraph net;
        RunStore store;
        TrainingState resumed = null;
        if (resumeDir == null) {
            net = new ComputationGraph(ModelZoo.build(config.model().name(), request));
            net.init();
            String name = config.run().name().isBlank() ? config.model().name() : config.run().name();
            store = RunStore.create(config.run().dir(), name, hadoop).withRetention(config.run().retention());
            store.writeConfig(config.render());
            store.writeJson(RunLayout.NORMALIZATION, norm);
        } else {
            store = RunStore.open(resumeDir, hadoop).withRetention(config.run().retention());
            Optional<RunStore.Loaded> last = store.loadLatestGood();
            if (last.isPresent()) {
                net = last.get().net();
                resumed = last.get().state();
                log.info("resuming {} from {} (epoch {}, iteration {})", store.dir(), last.get().info().file(),
                        resumed.epoch(), resumed.iteration());
            } else {
                log.warn("run {} has no checkpoint yet: starting it from epoch 1", store.dir());
                net = new ComputationGraph(ModelZoo.build(config.model().name(), request));
                net.init();
            }
            // the normalisation the checkpoint was trained with, not a re-measurement
            norm = store.readJson(RunLayout.NORMALIZATION, Normalization.class);
            store.writeConfig(config.render());
        }
        log.info("run {}: model {} ({} trainable parameters), {} train / {} test records of {}, {} classes",
                store.dir(), config.model().name(), ParameterCounts.trainable(net), data.trainSize(), data.testSize(),
                data.shape(), data.numClasses());
        log.info("resolved configuration:\n{}", config.render());
        return new Prepared(data, norm, net, store, resumed);
    }

    private TrainResult fit(JavaSparkContext sc, ComputationGraph net, TrainingData data,
                            Normalization norm, RunStore store, TrainingState resumed) {
        TrainSettings t = config.train();
        int workers = t.workers() > 0 ? t.workers() : sc.defaultParallelism();
        int batchPerWorker = t.batchSizePerWorker();
        int firstEpoch = 1;
        List<EpochMetrics> history = new ArrayList<>();
        if (resumed != null) {
            firstEpoch = resumed.nextEpoch();
            if (workers != resumed.workers()) {
                batchPerWorker = resumed.batchSizePerWorker(workers);
                log.info("resuming on {} workers instead of {}: batch per worker {} keeps the global batch of {}",
                        workers, resumed.workers(), batchPerWorker, resumed.globalBatch());
            }
            int done = resumed.epoch();
            store.readMetrics().stream().filter(r -> r.epoch() <= done).forEach(history::add);
        }
        int globalBatch = workers * batchPerWorker;
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, scheme.master(sc, workers, batchPerWorker));

        JavaRDD<ImageRecord> testRdd = data.testRecords(sc, workers).cache();
        EvalCounts lastEval = null;
        int iterationsPerEpoch = LearningRateSchedule.iterationsPerEpoch(data.trainSize(), workers, batchPerWorker);
        EpochSchedule schedule = LearningRateSchedule.of(t, globalBatch, iterationsPerEpoch);
        for (int epoch = firstEpoch; epoch <= t.epochs(); epoch++) {
            // each epoch starts at its own iteration (DL4J's count runs ahead by what the last averaging round
            // lacked), so the per-iteration schedule, a resumed run and every worker agree on the rate
            int iterationStart = (epoch - 1) * iterationsPerEpoch;
            sparkNet.getNetwork().getConfiguration().setIterationCount(iterationStart);
            sparkNet.getNetwork().setLearningRate(schedule);
            double lr = schedule.rate(epoch - 1);
            long start = System.nanoTime();
            scheme.beforeEpoch(sparkNet, iterationStart);
            JavaRDD<DataSet> batches;
            String label = String.format("epoch %d/%d", epoch, t.epochs());
            long minibatches = (data.trainSize() + batchPerWorker - 1) / batchPerWorker;
            try (EpochProgress progress = scheme.progress(sc, label, data.trainSize(), PROGRESS_SECONDS, workers, minibatches)) {
                // as the scheme trains them: averaging's laid out by round and decoded in each round's tasks,
                // sharing's persisted (DL4J counts them before it trains)
                TrainingData.shareCores(sc, workers); // for the jobs this thread submits: a core per task on local[*]
                batches = scheme.epochBatches(sc, data, epoch, workers, batchPerWorker, t.seed());
                sparkNet.fit(DevicePinning.pinned(progress.counted(batches)));
                log.info("{}", progress.line());
            }
            data.afterEpoch(epoch);
            double seconds = (System.nanoTime() - start) / 1e9;
            ComputationGraph current = sparkNet.getNetwork();
            Double trainLoss = scheme.trainingLoss(sparkNet);
            double score = trainLoss == null ? 0.0 : trainLoss;
            if (!Double.isFinite(score) || !Double.isFinite(current.params().sumNumber().doubleValue())) {
                batches.unpersist(false);
                throw new TrainingDivergedException("epoch " + epoch + ": "
                        + (Double.isFinite(score) ? "the parameters hold NaN/Inf" : "the training loss became " + score)
                        + " (lr " + lr + "); the last good checkpoint in " + store.dir() + " is kept. "
                        + "Lower train.optimizer.lr or add warmup (train.lr-schedule.warmup-epochs).");
            }
            Map<String, Double> diagnostics = new LinkedHashMap<>();
            TrainingTimes times = TrainingTimes.of(sparkNet.getSparkTrainingStats(), seconds, workers, batchPerWorker);
            if (times != null) {
                diagnostics.putAll(times.metrics());
                log.info("epoch {}/{} {}", epoch, t.epochs(), times.describe());
            }
            EpochCleanup.run(sc); // what the epoch left to the garbage collector goes before the sample
            Map<String, Double> probe = scheme.probe(sc);
            diagnostics.putAll(probe);
            log.info("epoch {}/{} {}", epoch, t.epochs(), ExecutorProbe.describe(probe));
            Double preciseBnSeconds = null;
            if (scheme.synchroniseBatchNorm(current)) {
                diagnostics.put("batchnorm_synchronised", 1.0);
            }
            if (scheme.recomputesBatchNorm(t.preciseBn(), workers)) {
                long s0 = System.nanoTime();
                long measured = PreciseBatchNorm.recompute(sc, current,
                        scheme.statisticsBatches(batches, t.preciseBn().batches()), t.preciseBn().batches());
                preciseBnSeconds = (System.nanoTime() - s0) / 1e9;
                log.info("BatchNorm statistics recomputed from {} minibatches", measured);
            }
            batches.unpersist(true); // blocking: a persisted epoch's minibatches are gone before the next epoch's
            EvalCounts eval = null;
            if (config.eval().everyEpoch() || epoch == t.epochs()) {
                eval = Evaluator.evaluate(sc, current, testRdd, data.testDescription(), norm, config.eval().batchSize());
                lastEval = eval;
            }
            EpochMetrics metrics = new EpochMetrics(epoch, trainLoss, diagnostics, preciseBnSeconds, lr, seconds,
                    data.trainSize() / seconds, eval == null ? null : eval.top1Error(), eval == null ? null : eval.top5Error(),
                    eval == null ? null : eval.meanNll(), scheme.lossSamples(iterationStart, current.getIterationCount()));
            store.writeCheckpoint(current, new TrainingState(epoch, current.getIterationCount(), lr, t.epochs(),
                    t.seed(), t.seed(), globalBatch, workers), metrics.checkpointMetrics(), config.render());
            history.add(metrics);
            store.writeMetrics(history);
            log.info("epoch {}/{}: lr {} {}{}{} img/s, checkpoint written",
                    epoch, t.epochs(), String.format("%.4g", lr),
                    trainLoss != null ? String.format("loss %.4f ", trainLoss) : "",
                    eval != null ? String.format("top-1 error %.2f%% top-5 error %.2f%%, ",
                            100 * eval.top1Error(), 100 * eval.top5Error()) : "",
                    String.format("%.0f", data.trainSize() / seconds));
        }
        if (lastEval == null) {
            // a resumed run that had already finished, or a run without a final evaluation
            lastEval = Evaluator.evaluate(sc, sparkNet.getNetwork(), testRdd, data.testDescription(), norm,
                    config.eval().batchSize());
        }
        store.writeJson(RunLayout.EVAL_LATEST, EvaluationRecord.Scores.of(lastEval));
        testRdd.unpersist(false); // a sweep runs many trials on one SparkContext
        return new TrainResult(store.dir().toString(), history, lastEval, sparkNet.getNetwork());
    }

    static IUpdater updater(TrainSettings t) {
        return t.momentum() > 0 ? new Nesterovs(t.lr(), t.momentum()) : new Sgd(t.lr());
    }
}
