package io.convoy.driver.train;

import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.config.RunConfig.TrainSettings;
import io.convoy.driver.data.TrainingData;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.DataSet;

/**
 * How the workers of a run combine their updates ({@code train.sync}), and everything in a training run that
 * depends on it: the DL4J training master, the progress line, what an epoch reports, whether the BatchNorm
 * statistics need recomputing after it, and what to clean up. {@link #of} is the one place the setting is
 * looked at; {@link TrainingRun} asks the scheme.
 */
sealed interface SyncScheme permits AveragingScheme, SharingScheme {

    /** The scheme of {@code train.sync}, for one run with these settings. */
    static SyncScheme of(TrainSettings t) {
        return switch (t.sync()) {
            case AVERAGING -> new AveragingScheme(t);
            case SHARING -> new SharingScheme(t);
        };
    }

    RunConfig.Sync sync();

    /**
     * Called before the run's own SparkContext starts; the returned action runs once it has stopped (a sweep's
     * shared context is not the run's to clean up after).
     */
    Runnable afterContextStops();

    /** The DL4J training master for {@code workers} partitions of {@code batchPerWorker} images a minibatch. */
    TrainingMaster<?, ?> master(JavaSparkContext sc, int workers, int batchPerWorker);

    /**
     * One epoch's training minibatches as this scheme trains them, {@code workers} workers of {@code batchPerWorker}
     * images a minibatch: laid out by averaging round and decoded in the round's tasks, or persisted for a master that
     * counts them before it trains.
     */
    JavaRDD<DataSet> epochBatches(JavaSparkContext sc, TrainingData data, int epoch, int workers, int batchPerWorker,
                                  long seed);

    /**
     * {@code -Dconvoy.persist-decoded-epoch=true}: each epoch's decoded minibatches persisted and counted before they
     * train, as before the round layout (A/B runs; also what DL4J's own averaging split needs).
     */
    String PERSIST_PROPERTY = "convoy.persist-decoded-epoch";

    static boolean persistDecodedEpoch() {
        return Boolean.parseBoolean(System.getProperty(PERSIST_PROPERTY, "false"));
    }

    /** The part of an epoch's {@link #epochBatches} that BatchNorm statistics are measured on, {@code maxBatches} at most. */
    default JavaRDD<DataSet> statisticsBatches(JavaRDD<DataSet> batches, int maxBatches) {
        return batches;
    }

    /** Before each epoch trains on {@code net} (the network the master trains), from iteration {@code startIteration}. */
    void beforeEpoch(SparkComputationGraph net, int startIteration);

    /** The progress line of an epoch of {@code images} images in {@code minibatches} minibatches per worker. */
    EpochProgress progress(JavaSparkContext sc, String label, long images, long intervalSeconds, int workers, long minibatches);

    /** The epoch's training loss, or {@code null} when the scheme has none (DL4J aggregates no score under sharing). */
    Double trainingLoss(SparkComputationGraph net);

    /** What the executors and the driver hold after the epoch ({@link ExecutorProbe}); empty when the probe failed. */
    Map<String, Double> probe(JavaSparkContext sc);

    /** The loss sampled during the epoch just trained, from {@code iterationStart}; {@code null} when not sampled. */
    EpochMetrics.LossSamples lossSamples(long iterationStart, long iterationEnd);

    /**
     * After an epoch's training, before {@link #recomputesBatchNorm}: brings the workers' BatchNorm running statistics
     * into {@code net} where the scheme does not already; returns whether it did.
     */
    default boolean synchroniseBatchNorm(ComputationGraph net) {
        return false;
    }

    /** Whether the BatchNorm statistics are recomputed after each epoch of {@code workers} workers ({@code train.precise-bn}). */
    default boolean recomputesBatchNorm(RunConfig.PreciseBnSettings preciseBn, int workers) {
        return preciseBn.enabledFor(sync(), workers);
    }
}
