package io.convoy.driver.train;

import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.config.RunConfig.TrainSettings;
import io.convoy.driver.data.RoundLayout;
import io.convoy.driver.data.TrainingData;
import io.convoy.worker.gpu.DevicePinning;
import io.convoy.worker.monitor.IterationPhases;
import io.convoy.worker.monitor.LossSampler;
import io.convoy.zoo.fast.FastBatchNorm;
import org.deeplearning4j.optimize.api.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parameter averaging (DL4J ParameterAveragingTrainingMaster): workers train {@code train.averaging.frequency}
 * minibatches from the same parameters, the driver averages parameters and updater state. Reports DL4J's training
 * statistics, the loss of the last round and, with {@code train.loss-sample-every}, the loss every N iterations.
 */
final class AveragingScheme implements SyncScheme {
    private static final Logger log = LoggerFactory.getLogger(AveragingScheme.class);

    private final TrainSettings t;
    private AveragingTrainingMaster master;
    private int workers;
    /** The executors' losses of the epoch in flight; null unless train.loss-sample-every is set. */
    private CollectionAccumulator<double[]> lossSamples;

    AveragingScheme(TrainSettings t) {
        this.t = t;
    }

    @Override
    public RunConfig.Sync sync() {
        return RunConfig.Sync.AVERAGING;
    }

    @Override
    public Runnable afterContextStops() {
        return () -> { };
    }

    @Override
    public TrainingMaster<?, ?> master(JavaSparkContext sc, int workers, int batchPerWorker) {
        log.info("parameter averaging: {} workers x batch {} (global batch {}), averaging every {} minibatches",
                workers, batchPerWorker, workers * batchPerWorker, t.averagingFrequency());
        this.workers = workers;
        master = new AveragingTrainingMaster(new ParameterAveragingTrainingMaster.Builder(workers, batchPerWorker)
                .batchSizePerWorker(batchPerWorker)
                .averagingFrequency(t.averagingFrequency())
                // Average the momentum state with the parameters. DL4J's javadoc calls this the default, but
                // the Builder's field is left false: each round's workers then start from the driver's
                // updater state, which is never updated (all zeros), so Nesterov's velocity was reset every
                // `frequency` minibatches (also with one worker) and a checkpoint held no momentum.
                .saveUpdater(true)
                .workerPrefetchNumBatches(t.prefetch())
                // batches are built inside the tasks from records: no export to disk, no reshuffle of DataSets
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartionData(Repartition.Never)
                .storageLevel(null) // epochBatches lays the epoch out by round (or persists it itself)
                .rngSeed(t.seed()));
        // each iteration's phases (ExecutorProbe reports them), and the loss every N iterations from the executors'
        // own copies
        List<TrainingListener> listeners = new ArrayList<>(List.of(new IterationPhases()));
        if (t.lossSampleEvery() > 0) {
            lossSamples = sc.sc().collectionAccumulator("convoy.loss-samples");
            listeners.add(new LossSampler(lossSamples));
        }
        master.setListeners(listeners);
        return master;
    }

    @Override
    public void beforeEpoch(SparkComputationGraph net, int startIteration) {
        // DL4J's distributed-safe BatchNorm statistics (a sharing run's checkpoint may have them local); averaged
        // with the parameters every round
        FastBatchNorm.localStatistics(net.getNetwork().getConfiguration(), false);
        // each round's workers start from the driver's count, which DL4J advances by the averaging frequency
        if (lossSamples != null) {
            lossSamples.reset();
        }
        // a fresh set of DL4J's timing statistics per epoch (SharedTrainingMaster keeps none and would fail on a
        // null statistics helper if asked to)
        net.setCollectTrainingStats(false);
        net.setCollectTrainingStats(true);
    }

    /** Whether epochs are laid out by round: unless persisted ({@link SyncScheme#persistDecodedEpoch}) or DL4J splits. */
    static boolean plannedRounds() {
        return !SyncScheme.persistDecodedEpoch()
                && Boolean.parseBoolean(System.getProperty(AveragingTrainingMaster.ROUND_SPLIT_PROPERTY, "true"));
    }

    /**
     * Laid out by round before decoding ({@link RoundLayout}): nothing decoded is cached, each round's tasks decode
     * their own records, and the master neither counts nor shuffles them.
     */
    @Override
    public JavaRDD<DataSet> epochBatches(JavaSparkContext sc, TrainingData data, int epoch, int workers,
                                         int batchPerWorker, long seed) {
        if (!plannedRounds()) {
            return DevicePinning.pinned(data.trainBatches(sc, epoch, workers, batchPerWorker, seed))
                    .persist(StorageLevel.MEMORY_ONLY_SER());
        }
        RoundLayout layout = new RoundLayout(data.trainSize(), workers, batchPerWorker, t.averagingFrequency());
        master.plan(layout);
        return DevicePinning.pinned(data.trainRounds(sc, epoch, layout, seed));
    }

    /** The first rounds' partitions, enough for {@code maxBatches} minibatches: the rest of the epoch is not decoded. */
    @Override
    public JavaRDD<DataSet> statisticsBatches(JavaRDD<DataSet> batches, int maxBatches) {
        if (!plannedRounds()) {
            return batches;
        }
        long perWorker = (maxBatches + workers - 1) / workers;
        int rounds = (int) Math.min(batches.getNumPartitions() / workers,
                (perWorker + t.averagingFrequency() - 1) / t.averagingFrequency());
        int keep = Math.max(1, rounds) * workers;
        return AveragingTrainingMaster.partitions(batches, 0, keep);
    }

    /**
     * Progress from finished tasks: rounds of {@code workers} tasks, after DL4J's counting job of {@code workers}
     * tasks when the epoch is not laid out by round ({@link EpochProgress#byTasks}).
     */
    @Override
    public EpochProgress progress(JavaSparkContext sc, String label, long images, long intervalSeconds, int workers,
                                  long minibatches) {
        return EpochProgress.byTasks(sc, label, images, intervalSeconds, workers, minibatches, t.averagingFrequency(),
                plannedRounds() ? 0 : workers);
    }

    @Override
    public Double trainingLoss(SparkComputationGraph net) {
        return net.getScore();
    }

    @Override
    public Map<String, Double> probe(JavaSparkContext sc) {
        return ExecutorProbe.sample(sc, false);
    }

    @Override
    public EpochMetrics.LossSamples lossSamples(long iterationStart, long iterationEnd) {
        if (lossSamples == null) {
            return null;
        }
        return new EpochMetrics.LossSamples(iterationStart, iterationEnd, t.lossSampleEvery(),
                lossEvery(lossSamples.value(), iterationStart, t.averagingFrequency(), t.lossSampleEvery()));
    }

    /**
     * [global iteration, mean loss over the workers], every {@code every} iterations, from the executors' samples
     * ({@link LossSampler}: stage id, iteration within the task, loss). The stages with samples are the epoch's
     * averaging rounds in order; round r covers iterations {@code start + r * frequency + 1 ..}.
     */
    static List<List<Double>> lossEvery(List<double[]> samples, long start, int frequency, int every) {
        TreeSet<Double> stages = new TreeSet<>();
        samples.forEach(s -> stages.add(s[0]));
        List<Double> rounds = new ArrayList<>(stages);
        TreeMap<Long, double[]> sums = new TreeMap<>();
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
