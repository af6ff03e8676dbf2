package io.convoy.driver.train;

import io.convoy.worker.transport.TimerSlack;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaRDDLike;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ResidualPostProcessor;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.ThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.RepartitionStrategy;
import org.deeplearning4j.spark.api.Repartitioner;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingWorker;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;

/**
 * DL4J's gradient sharing, told how many minibatches an epoch holds instead of counting them. DL4J's master counts
 * the training RDD before it trains (the figure only feeds its statistics); without a persisted RDD that pass would
 * read and decode the whole epoch once more, with one it holds the decoded epoch in storage memory. Told the count
 * ({@link #expect}), it trains on the RDD as it comes: each worker's task decodes its own records once.
 * <p>
 * Its transport threads, on the driver and in every executor, start with a wider timer slack
 * ({@link #transportTimerSlack}, {@link TimerSlack} says why; {@link QuietTransportWorker} on the executors).
 */
final class CountedSharedTrainingMaster extends SharedTrainingMaster {
    /** Minibatches of the next fit; negative: count them, as DL4J does. */
    private transient long expected = -1;
    /** The timer slack DL4J's transport threads start with; 0: the system's. */
    private transient long timerSlackNanos;

    private CountedSharedTrainingMaster(VoidConfiguration voidConfiguration, Integer numWorkers,
                                        RDDTrainingApproach approach, StorageLevel storageLevel, boolean stats,
                                        RepartitionStrategy strategy, Repartition repartition,
                                        ThresholdAlgorithm threshold, ResidualPostProcessor residual,
                                        int rddDataSetNumExamples, int batchSizePerWorker, long debugLongerIterations,
                                        int workersPerNode, int prefetch, Repartitioner repartitioner,
                                        Boolean periodicGc, Integer periodicGcFrequency, boolean encodingDebugMode) {
        super(voidConfiguration, numWorkers, approach, storageLevel, stats, strategy, repartition, threshold, residual,
                rddDataSetNumExamples, batchSizePerWorker, debugLongerIterations, workersPerNode, prefetch,
                repartitioner, periodicGc, periodicGcFrequency, encodingDebugMode);
    }

    /** The next fit's epoch holds {@code minibatches} minibatches (used once). */
    void expect(long minibatches) {
        expected = minibatches;
    }

    /** DL4J's transport threads (this JVM's and the executors') start with this timer slack; 0 leaves them alone. */
    void transportTimerSlack(long nanos) {
        timerSlackNanos = nanos;
    }

    @Override
    public SharedTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        SharedTrainingWorker dl4j = super.getWorkerInstance(graph); // makes the broadcasts the worker reads
        if (timerSlackNanos <= 0) {
            return dl4j;
        }
        return new QuietTransportWorker(instanceId, broadcastModel, broadcastConfiguration, listeners, statsStorage,
                workerTogglePeriodicGC, workerPeriodicGCFrequency, timerSlackNanos);
    }

    /** The driver's transport starts in the first fit, on the calling thread. */
    @Override
    public void executeTraining(SparkComputationGraph graph, JavaRDD<org.nd4j.linalg.dataset.DataSet> trainingData) {
        TimerSlack.whileWidened(timerSlackNanos, () -> super.executeTraining(graph, trainingData));
    }

    @Override
    public void executeTrainingMDS(SparkComputationGraph graph,
                                   JavaRDD<org.nd4j.linalg.dataset.api.MultiDataSet> trainingData) {
        TimerSlack.whileWidened(timerSlackNanos, () -> super.executeTrainingMDS(graph, trainingData));
    }

    @Override
    protected <T, R extends JavaRDDLike<T, R>> long getTotalDataSetObjectCount(JavaRDDLike<T, R> trainingData) {
        long known = expected;
        expected = -1;
        return known >= 0 ? known : super.getTotalDataSetObjectCount(trainingData);
    }

    /** DL4J's builder, building this master. */
    static final class Builder extends SharedTrainingMaster.Builder {
        Builder(VoidConfiguration voidConfiguration, int rddDataSetNumExamples) {
            super(voidConfiguration, rddDataSetNumExamples);
        }

        /** What DL4J's own build does, for this class. */
        @Override
        public CountedSharedTrainingMaster build() {
            CountedSharedTrainingMaster master = new CountedSharedTrainingMaster(voidConfiguration, numWorkers,
                    rddTrainingApproach, storageLevel, collectTrainingStats, repartitionStrategy, repartition,
                    thresholdAlgorithm, residualPostProcessor, rddDataSetNumExamples, batchSize,
                    debugLongerIterations, numWorkersPerNode, workerPrefetchNumBatches, repartitioner,
                    workerTogglePeriodicGC, workerPeriodicGCFrequency, encodingDebugMode);
            if (transport != null) {
                master.transport = transport;
            }
            return master;
        }
    }
}
