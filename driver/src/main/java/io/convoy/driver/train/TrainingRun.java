package io.convoy.driver.train;

import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.config.RunConfig.TrainSettings;
import io.convoy.driver.data.TrainingData;
import io.convoy.driver.eval.EvalCounts;
import io.convoy.driver.eval.Evaluator;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.ImageRecord;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import io.convoy.zoo.ParameterCounts;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import io.convoy.driver.train.sharing.AeronDirectories;
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
 * training records over the workers, fit with parameter averaging, checkpoint, and evaluate.
 */
public final class TrainingRun {
    private static final Logger log = LoggerFactory.getLogger(TrainingRun.class);

    private final RunConfig config;

    public TrainingRun(RunConfig config) {
        this.config = config;
    }

    public TrainResult run() {
        // Everything that can be wrong with the input is found before Spark starts.
        Configuration hadoop = new Configuration();
        TrainingData data = TrainingData.open(config.data(), hadoop);
        Normalization norm = data.normalization();
        TrainSettings t = config.train();
        ModelRequest request = new ModelRequest(data.shape(), data.numClasses(), t.seed(), updater(t), t.weightDecay());
        ComputationGraph net = new ComputationGraph(ModelZoo.build(config.model().name(), request));
        net.init();

        String name = config.run().name().isBlank() ? config.model().name() : config.run().name();
        RunStore store = RunStore.create(config.run().dir(), name, hadoop);
        store.writeConfig(config.render());
        store.writeJson("normalization.json", norm);
        log.info("run {}: model {} ({} trainable parameters), {} train / {} test records of {}, {} classes",
                store.dir(), config.model().name(), ParameterCounts.trainable(net), data.trainSize(), data.testSize(),
                data.shape(), data.numClasses());
        log.info("resolved configuration:\n{}", config.render());

        Set<String> aeronBefore = AeronDirectories.snapshot();
        try (JavaSparkContext sc = SparkContexts.create(config.spark())) {
            return fit(sc, net, data, norm, store);
        } finally {
            if (t.sync() == RunConfig.Sync.SHARING) {
                AeronDirectories.removeNewSince(aeronBefore);
            }
        }
    }

    private TrainResult fit(JavaSparkContext sc, ComputationGraph net, TrainingData data,
                            Normalization norm, RunStore store) {
        TrainSettings t = config.train();
        int workers = t.workers() > 0 ? t.workers() : sc.defaultParallelism();
        SparkComputationGraph sparkNet = new SparkComputationGraph(sc, net, TrainingMasters.create(t, sc, workers));

        JavaRDD<ImageRecord> testRdd = data.testRecords(sc, workers).cache();
        List<Map<String, Object>> history = new ArrayList<>();
        EvalCounts lastEval = null;
        for (int epoch = 1; epoch <= t.epochs(); epoch++) {
            double lr = LearningRateSchedule.rate(t, epoch);
            sparkNet.getNetwork().setLearningRate(lr);
            long start = System.nanoTime();
            JavaRDD<DataSet> batches = data.trainBatches(sc, epoch, workers, t.batchSizePerWorker(), t.seed());
            sparkNet.fit(batches);
            data.afterEpoch(epoch);
            double seconds = (System.nanoTime() - start) / 1e9;
            ComputationGraph current = sparkNet.getNetwork();

            Map<String, Double> metrics = new LinkedHashMap<>();
            if (t.sync() == RunConfig.Sync.AVERAGING) {
                metrics.put("train_loss", sparkNet.getScore()); // SharedTrainingMaster reports no score
            }
            metrics.put("lr", lr);
            metrics.put("epoch_seconds", seconds);
            metrics.put("images_per_second", data.trainSize() / seconds);
            if (config.eval().everyEpoch() || epoch == t.epochs()) {
                lastEval = Evaluator.evaluate(sc, current, testRdd, data.testDescription(), norm, config.eval().batchSize());
                metrics.put("top1_error", lastEval.top1Error());
                metrics.put("top5_error", lastEval.top5Error());
                metrics.put("test_nll", lastEval.meanNll());
            }
            store.writeCheckpoint(epoch, current, metrics, config.render());
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("epoch", epoch);
            row.putAll(metrics);
            history.add(row);
            store.writeMetrics(history);
            log.info("epoch {}/{}: lr {} {}{}{} img/s, checkpoint written",
                    epoch, t.epochs(), String.format("%.4g", lr),
                    metrics.containsKey("train_loss") ? String.format("loss %.4f ", metrics.get("train_loss")) : "",
                    metrics.containsKey("top1_error") ? String.format("top-1 error %.2f%% top-5 error %.2f%%, ",
                            100 * metrics.get("top1_error"), 100 * metrics.get("top5_error")) : "",
                    String.format("%.0f", data.trainSize() / seconds));
        }
        if (lastEval != null) {
            store.writeJson("eval-latest.json", lastEval.toMap());
        }
        return new TrainResult(store.dir().toString(), history, lastEval, sparkNet.getNetwork());
    }

    static IUpdater updater(TrainSettings t) {
        return t.momentum() > 0 ? new Nesterovs(t.lr(), t.momentum()) : new Sgd(t.lr());
    }
}
