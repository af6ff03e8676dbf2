package io.convoy.driver.train;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;

/**
 * DL4J's parameter averaging, with each averaging round's broadcast destroyed once the round is over.
 *
 * <p>DL4J broadcasts the parameters and updater state at the start of every round ({@code getWorkerInstance}) and
 * never releases the broadcast: it stays in every block manager (on an executor as a deserialised tuple holding
 * two ND4J arrays of the model's size) until Spark's ContextCleaner notices, after a garbage collection of the
 * driver, that the {@code Broadcast} object is unreachable. The quickstart makes 32 rounds per epoch; a run of
 * ResNet-50 with a 100 MB parameter vector would hold 200 MB per round per executor.
 */
final class AveragingTrainingMaster extends ParameterAveragingTrainingMaster {
    /** The round in flight: rounds run one after another within one fit. */
    private transient Broadcast<NetBroadcastTuple> round;

    AveragingTrainingMaster(Builder builder) {
        super(builder);
    }

    @Override
    public ParameterAveragingTrainingWorker getWorkerInstance(SparkComputationGraph graph) {
        releaseRound();
        // what DL4J's own getWorkerInstance does, keeping hold of the broadcast
        NetBroadcastTuple tuple = new NetBroadcastTuple(graph.getNetwork().getConfiguration(),
                graph.getNetwork().params(), graph.getNetwork().getUpdater().getStateViewArray());
        if (collectTrainingStats) {
            stats.logBroadcastStart();
        }
        round = graph.getSparkContext().broadcast(tuple);
        if (collectTrainingStats) {
            stats.logBroadcastEnd();
        }
        WorkerConfiguration worker = new WorkerConfiguration(true, rddDataSetNumExamples, batchSizePerWorker,
                averagingFrequency, prefetchNumBatches, collectTrainingStats);
        return new ParameterAveragingTrainingWorker(round, saveUpdater, worker, trainingHookList, listeners,
                getRouterProvider());
    }

    @Override
    protected void processResults(SparkDl4jMultiLayer network, SparkComputationGraph graph,
                                  JavaRDD<ParameterAveragingTrainingResult> results, int splitNum, int totalSplits) {
        try {
            super.processResults(network, graph, results, splitNum, totalSplits);
        } finally {
            // the round's job has run (processResults aggregates its results): no task reads the broadcast again
            releaseRound();
        }
    }

    /** Removes the round's broadcast from the driver and every executor, waiting until they have dropped it. */
    void releaseRound() {
        if (round != null) {
            round.destroy(true);
            round = null;
        }
    }
}
