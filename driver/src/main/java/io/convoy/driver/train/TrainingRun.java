package io.convoy.driver.train;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.checkpoint.TrainingState;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.config.RunConfig.TrainSettings;
import io.convoy.driver.data.TrainingData;
import io.convoy.driver.eval.EvalCounts;
import io.convoy.driver.eval.Evaluator;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.gpu.DevicePinning;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import io.convoy.zoo.ParameterCounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import io.convoy.driver.train.sharing.AeronDirectories;
import org.apache.hadoop.conf.Configuration;
import io.convoy.worker.monitor.LossSampler;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
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
 * training records over the workers, fit with parameter averaging, checkpoint, and evaluate.
 */
public final class TrainingRun {
    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    /** Seconds between progress lines while an epoch trains. */
    private static final long PROGRESS_SECONDS = 15;

    private final RunConfig config;
    /** The run directory to continue, or null for a new run. */
    private final String resumeDir;

    public TrainingRun(RunConfig config) {
        this(config, null);
    }

    private TrainingRun(RunConfig config, String resumeDir) {
        this.config = config;
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
        return new TrainingRun(ConfigLoader.fromSaved(store.readConfig(), runDir + "/config.conf", overrides, secrets),
                runDir);
    }

    /** Runs on a SparkContext of its own, started after the data and configuration have been checked. */
    public TrainResult run() {
        // Everything that can be wrong with the input is found before Spark starts.
        Prepared p = prepare();
        Set<String> aeronBefore = AeronDirectories.snapshot();
        try (JavaSparkContext sc = SparkContexts.create(config.spark())) {
            return fit(sc, p.net(), p.data(), p.norm(), p.store(), p.resumed());
        } finally {
            if (config.train().sync() == RunConfig.Sync.SHARING) {
                AeronDirectories.removeNewSince(aeronBefore);
            }
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
            store.writeJson("normalization.json", norm);
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
            norm = store.readJson("normalization.json", Normalization.class);
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
        List<Map<String, Object>> history = new ArrayList<>();
        if (resumed != null) {
            firstEpoch = resumed.nextEpoch();
            if (workers != resumed.workers()) {
                batchPerWorker = resumed.batchSizePerWorker(workers);
                log.info("resuming on {} workers instead of {}: batch per worker {} keeps the global batch of {}",
                        workers, resumed.workers(), batchPerWorker, resumed.globalBatch());
            }
            int done = resumed.epoch();
            store.readMetrics().stream()
                    .filter(r -> r.get("epoch") instanceof Number n && n.intValue() <= done)
                    .forEach(history::add);
        }
        int globalBatch = workers * batchPerWorker;
        var master = TrainingMasters.create(t, sc, workers, batchPerWorker);
        // the loss every N iterations, from the executors' own copies (averaging only: sharing reports no loss)
        CollectionAccumulator<double[]> lossSamples = null;
        if (t.sync() == RunConfig.Sync.AVERAGING && t.lossSampleEvery() > 0) {
            lossSamples = sc.sc().collectionAccumulator("convoy.loss-samples");
            master.setListeners(List.of(new LossSampler(lossSamples)));
        }
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, master);

        JavaRDD<ImageRecord> testRdd = data.testRecords(sc, workers).cache();
        EvalCounts lastEval = null;
        for (int epoch = firstEpoch; epoch <= t.epochs(); epoch++) {
            double lr = LearningRateSchedule.rate(t, epoch, globalBatch);
            sparkNet.getNetwork().setLearningRate(lr);
            long start = System.nanoTime();
            long iterationStart = sparkNet.getNetwork().getIterationCount();
            if (lossSamples != null) {
                lossSamples.reset();
            }
            if (t.sync() == RunConfig.Sync.AVERAGING) {
                // a fresh set of DL4J's timing statistics per epoch (SharedTrainingMaster keeps none and would
                // fail on a null statistics helper if asked to)
                sparkNet.setCollectTrainingStats(false);
                sparkNet.setCollectTrainingStats(true);
            }
            JavaRDD<DataSet> batches;
            String label = String.format("epoch %d/%d", epoch, t.epochs());
            long minibatches = (data.trainSize() + batchPerWorker - 1) / batchPerWorker;
            try (EpochProgress progress = t.sync() == RunConfig.Sync.AVERAGING
                    ? EpochProgress.byTasks(sc, label, data.trainSize(), PROGRESS_SECONDS, workers, minibatches,
                            t.averagingFrequency())
                    : EpochProgress.counting(sc, label, data.trainSize(), PROGRESS_SECONDS)) {
                // Persisted here (the training masters are told not to): DL4J counts the RDD before it trains, so
                // the batches are built once and reused by fit and by the BatchNorm re-estimation.
                batches = DevicePinning.pinned(data.trainBatches(sc, epoch, workers, batchPerWorker, t.seed()))
                        .persist(StorageLevel.MEMORY_ONLY_SER());
                sparkNet.fit(DevicePinning.pinned(progress.counted(batches)));
                log.info("{}", progress.line());
            }
            data.afterEpoch(epoch);
            double seconds = (System.nanoTime() - start) / 1e9;
            ComputationGraph current = sparkNet.getNetwork();
            // SharedTrainingMaster reports a score of 0 (DL4J does not aggregate it), so only averaging has a loss
            double score = t.sync() == RunConfig.Sync.AVERAGING ? sparkNet.getScore() : 0.0;
            if (!Double.isFinite(score) || !Double.isFinite(current.params().sumNumber().doubleValue())) {
                batches.unpersist(false);
                throw new TrainingDivergedException("epoch " + epoch + ": "
                        + (Double.isFinite(score) ? "the parameters hold NaN/Inf" : "the training loss became " + score)
                        + " (lr " + lr + "); the last good checkpoint in " + store.dir() + " is kept. "
                        + "Lower train.optimizer.lr or add warmup (train.lr-schedule.warmup-epochs).");
            }
            Map<String, Double> metrics = new LinkedHashMap<>();
            if (t.sync() == RunConfig.Sync.AVERAGING) {
                metrics.put("train_loss", score);
            }
            TrainingTimes times = TrainingTimes.of(sparkNet.getSparkTrainingStats(), seconds, workers, batchPerWorker);
            if (times != null) {
                metrics.put("compute_fraction", times.computeFraction());
                metrics.put("data_fraction", times.dataFraction());
                metrics.put("sync_fraction", times.syncFraction());
                log.info("epoch {}/{} {}", epoch, t.epochs(), times.describe());
            }
            EpochCleanup.run(sc); // what the epoch left to the garbage collector goes before the sample
            Map<String, Double> probe = ExecutorProbe.sample(sc, t.sync() == RunConfig.Sync.SHARING);
            metrics.putAll(probe);
            log.info("epoch {}/{} {}", epoch, t.epochs(), ExecutorProbe.describe(probe));
            if (t.preciseBn().enabledFor(t.sync())) {
                long s0 = System.nanoTime();
                long measured = PreciseBatchNorm.recompute(sc, current, batches, t.preciseBn().batches());
                metrics.put("precise_bn_seconds", (System.nanoTime() - s0) / 1e9);
                log.info("BatchNorm statistics recomputed from {} minibatches", measured);
            }
            batches.unpersist(true); // blocking: the epoch's minibatches are gone before the next epoch builds its own
            metrics.put("lr", lr);
            metrics.put("epoch_seconds", seconds);
            metrics.put("images_per_second", data.trainSize() / seconds);
            if (config.eval().everyEpoch() || epoch == t.epochs()) {
                lastEval = Evaluator.evaluate(sc, current, testRdd, data.testDescription(), norm, config.eval().batchSize());
                metrics.put("top1_error", lastEval.top1Error());
                metrics.put("top5_error", lastEval.top5Error());
                metrics.put("test_nll", lastEval.meanNll());
            }
            store.writeCheckpoint(current, new TrainingState(epoch, current.getIterationCount(), lr, t.epochs(),
                    t.seed(), t.seed(), globalBatch, workers), metrics, config.render());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", epoch);
            row.putAll(metrics);
            if (lossSamples != null) {
                row.put("iteration_start", iterationStart);
                row.put("iteration_end", current.getIterationCount());
                row.put("loss_sample_every", t.lossSampleEvery());
                row.put("loss_samples", lossEvery(lossSamples.value(), iterationStart, t.averagingFrequency(), t.lossSampleEvery()));
            }
            history.add(row);
            store.writeMetrics(history);
            log.info("epoch {}/{}: lr {} {}{}{} img/s, checkpoint written",
                    epoch, t.epochs(), String.format("%.4g", lr),
                    metrics.containsKey("train_loss") ? String.format("loss %.4f ", metrics.get("train_loss")) : "",
                    metrics.containsKey("top1_error") ? String.format("top-1 error %.2f%% top-5 error %.2f%%, ",
                            100 * metrics.get("top1_error"), 100 * metrics.get("top5_error")) : "",
                    String.format("%.0f", data.trainSize() / seconds));
        }
        if (lastEval == null) {
            // a resumed run that had already finished, or a run without a final evaluation
            lastEval = Evaluator.evaluate(sc, sparkNet.getNetwork(), testRdd, data.testDescription(), norm,
                    config.eval().batchSize());
        }
        store.writeJson("eval-latest.json", lastEval.toMap());
        testRdd.unpersist(false); // a sweep runs many trials on one SparkContext
        return new TrainResult(store.dir().toString(), history, lastEval, sparkNet.getNetwork());
    }

    static IUpdater updater(TrainSettings t) {
        return t.momentum() > 0 ? new Nesterovs(t.lr(), t.momentum()) : new Sgd(t.lr());
    }

    /**
     * [global iteration, mean loss over the workers], every {@code every} iterations, from the executors' samples
     * ({@link LossSampler}: stage id, iteration within the task, loss). The stages with samples are the epoch's
     * averaging rounds in order; round r covers iterations {@code start + r * frequency + 1 ..}.
     */
    static List<List<Double>> lossEvery(List<double[]> samples, long start, int frequency, int every) {
        java.util.TreeSet<Double> stages = new java.util.TreeSet<>();
        samples.forEach(s -> stages.add(s[0]));
        List<Double> rounds = new ArrayList<>(stages);
        java.util.TreeMap<Long, double[]> sums = new java.util.TreeMap<>();
        for (double[] s : samples) {
            long iteration = start + (long) rounds.indexOf(s[0]) * frequency + (long) s[1];
            if (iteration % every == 0) {
                double[] acc = sums.computeIfAbsent(iteration, k -> new double[2]);
                acc[0] += s[2];
                acc[1]++;
            }
        }
        List<List<Double>> out = new ArrayList<>();
        sums.forEach((iteration, acc) -> out.add(List.of((double) iteration, acc[0] / acc[1])));
        return out;
    }
}
