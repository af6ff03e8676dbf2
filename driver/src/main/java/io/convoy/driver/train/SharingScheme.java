package io.convoy.driver.train;

import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.config.RunConfig.TrainSettings;
import io.convoy.driver.train.sharing.AeronDirectories;
import io.convoy.driver.train.sharing.FreeUdpPortSupplier;
import io.convoy.worker.batch.BatchNormStatistics;
import io.convoy.worker.batch.RunningStatistics;
import io.convoy.worker.monitor.IterationClock;
import io.convoy.worker.monitor.IterationPhases;
import io.convoy.worker.monitor.LatestListeners;
import io.convoy.worker.monitor.RecordingThresholdAlgorithm;
import io.convoy.zoo.fast.FastBatchNorm;
import io.convoy.driver.data.RoundLayout;
import io.convoy.driver.data.TrainingData;
import io.convoy.worker.gpu.DevicePinning;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.residual.ResidualClippingPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.FixedThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.repartitioner.NoOpRepartitioner;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gradient sharing (DL4J SharedTrainingMaster): threshold-encoded updates exchanged over Aeron while each worker
 * goes through its partition once. DL4J aggregates no score and keeps no timing statistics here, so an epoch
 * reports no training loss; it reports how much the encoding sent instead. BatchNorm running statistics sent
 * through the encoding are unusable, so Convoy's BatchNorm layer keeps them on each worker, the driver averages
 * them after the epoch, and "auto" recomputes them from the final weights (precise BatchNorm, measured better
 * after short epochs: the workers' running averages lag weights that move fast). Aeron's media-driver directories
 * are removed once the context stops.
 */
final class SharingScheme implements SyncScheme {
    private static final Logger log = LoggerFactory.getLogger(SharingScheme.class);

    private final TrainSettings t;
    private CountedSharedTrainingMaster master;
    private RunningStatistics runningStatistics;

    SharingScheme(TrainSettings t) {
        this.t = t;
    }

    @Override
    public RunConfig.Sync sync() {
        return RunConfig.Sync.SHARING;
    }

    @Override
    public Runnable afterContextStops() {
        Set<String> before = AeronDirectories.snapshot();
        return () -> AeronDirectories.removeNewSince(before);
    }

    @Override
    public TrainingMaster<?, ?> master(JavaSparkContext sc, int workers, int batchPerWorker) {
        var s = t.sharing();
        String controller = !s.controllerAddress().isBlank() ? s.controllerAddress()
                : sc.getConf().get("spark.driver.host", "127.0.0.1");
        VoidConfiguration.VoidConfigurationBuilder voidConf = VoidConfiguration.builder()
                .controllerAddress(controller)
                .portSupplier(new FreeUdpPortSupplier());
        if (!s.networkMask().isBlank()) {
            voidConf.networkMask(s.networkMask());
        }
        ThresholdAlgorithm threshold = s.adaptive()
                ? new AdaptiveThresholdAlgorithm(s.threshold())
                : new FixedThresholdAlgorithm(s.threshold());
        SharedTrainingMaster.Builder b = new CountedSharedTrainingMaster.Builder(voidConf.build(), batchPerWorker)
                .batchSizePerWorker(batchPerWorker)
                // delegates every decision; counts the bytes of each encoded message (ExecutorProbe)
                .thresholdAlgorithm(new RecordingThresholdAlgorithm(threshold))
                .residualPostProcessor(new ResidualClippingPostProcessor(s.residualClip(), s.residualFrequency()))
                .workerPrefetchNumBatches(t.prefetch())
                .rddTrainingApproach(RDDTrainingApproach.Direct)
                .repartitionData(Repartition.Never)
                .storageLevel(null) // epochBatches decides (nothing decoded is persisted by default)
                // DL4J's default here is a DefaultRepartitioner that ignores Repartition.Never and cuts the
                // RDD into one partition per minibatch: every minibatch becomes its own Spark task, and at the
                // end of each task DL4J resets the encoded-gradient accumulator (the residual is thrown away)
                // and drops updates arriving between tasks. Keep one long partition per worker per epoch.
                .repartitioner(new NoOpRepartitioner())
                .rngSeed(t.seed());
        if (s.workersPerNode() > 0) {
            b.workersPerNode(s.workersPerNode());
        }
        log.info("gradient sharing: {} partitions x batch {}, {} threshold {}, controller {}",
                workers, batchPerWorker, s.adaptive() ? "adaptive" : "fixed", s.threshold(), controller);
        master = (CountedSharedTrainingMaster) b.build();
        master.transportTimerSlack(s.transportTimerSlackUs() * 1000L);
        return master;
    }

    /**
     * The epoch's listeners on the workers, behind {@link LatestListeners} (DL4J attaches the first epoch's only):
     * each iteration's phases (ExecutorProbe reports them; DL4J records no time split here), the driver's iteration
     * count (the learning rate schedule is per iteration), and the BatchNorm running statistics when every BatchNorm
     * layer keeps them locally (Convoy's own layer).
     */
    @Override
    public void beforeEpoch(SparkComputationGraph net, int startIteration) {
        List<TrainingListener> listeners =
                new ArrayList<>(List.of(new IterationPhases(), new IterationClock(startIteration)));
        runningStatistics = null;
        if (FastBatchNorm.localStatistics(net.getNetwork().getConfiguration(), true)) {
            runningStatistics = new RunningStatistics();
            net.getSparkContext().sc().register(runningStatistics, "convoy: BatchNorm running statistics");
            listeners.add(runningStatistics.listener());
        }
        master.setListeners(List.of(new LatestListeners(listeners)));
    }

    /** The workers' running statistics, averaged into the driver's network; false when there are none. */
    @Override
    public boolean synchroniseBatchNorm(ComputationGraph net) {
        if (runningStatistics == null) {
            return false;
        }
        BatchNormStatistics stats = runningStatistics.value();
        if (stats.batches() == 0) {
            log.warn("no worker reported its BatchNorm running statistics this epoch");
            return false;
        }
        stats.applyTo(net);
        log.info("BatchNorm running statistics averaged over {} workers", stats.batches());
        return true;
    }

    /**
     * One partition per worker, decoded in the worker's task as it trains; the master is told the minibatch count, so
     * nothing counts (and decodes) the epoch first. With {@code -Dconvoy.persist-decoded-epoch=true}, as before: the
     * decoded epoch persisted and counted by DL4J.
     */
    @Override
    public JavaRDD<DataSet> epochBatches(JavaSparkContext sc, TrainingData data, int epoch, int workers,
                                         int batchPerWorker, long seed) {
        JavaRDD<DataSet> batches = DevicePinning.pinned(data.trainBatches(sc, epoch, workers, batchPerWorker, seed));
        if (SyncScheme.persistDecodedEpoch()) {
            return batches.persist(StorageLevel.MEMORY_ONLY_SER());
        }
        // the same cut of the epoch over the workers as averaging's layout (one round: the frequency plays no part)
        master.expect(new RoundLayout(data.trainSize(), workers, batchPerWorker, 1).minibatches());
        return batches;
    }

    /** Progress from the images counted as DL4J takes them: one pass over each partition (after DL4J's count, if any). */
    @Override
    public EpochProgress progress(JavaSparkContext sc, String label, long images, long intervalSeconds, int workers,
                                  long minibatches) {
        return EpochProgress.counting(sc, label, images, intervalSeconds, SyncScheme.persistDecodedEpoch());
    }

    /** None: SharedTrainingMaster reports a score of 0 (DL4J does not aggregate it). */
    @Override
    public Double trainingLoss(SparkComputationGraph net) {
        return null;
    }

    @Override
    public Map<String, Double> probe(JavaSparkContext sc) {
        return ExecutorProbe.sample(sc, true);
    }

    @Override
    public EpochMetrics.LossSamples lossSamples(long iterationStart, long iterationEnd) {
        return null;
    }
}
