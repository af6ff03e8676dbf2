package io.convoy.driver.train;

import io.convoy.driver.data.RoundLayout;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.rdd.PartitionPruningRDD;
import org.deeplearning4j.spark.api.WorkerConfiguration;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingWorker;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import scala.Tuple2;
import scala.runtime.AbstractFunction1;

/**
 * DL4J's parameter averaging, with each averaging round's broadcast destroyed once the round is over.
 *
 * <p>DL4J broadcasts the parameters and updater state at the start of every round ({@code getWorkerInstance}) and
 * never releases the broadcast: it stays in every block manager (on an executor as a deserialised tuple holding
 * two ND4J arrays of the model's size) until Spark's ContextCleaner notices, after a garbage collection of the
 * driver, that the {@code Broadcast} object is unreachable. The quickstart makes 32 rounds per epoch; a run of
 * ResNet-50 with a 100 MB parameter vector would hold 200 MB per round per executor.
 *
 * <p>And with each round's minibatches cut out once, not by a scan of the whole epoch. DL4J makes round {@code i} a
 * {@code mapPartitions} over every partition that keeps one minibatch in {@code rounds} ({@code balancedRandomSplit}):
 * each round deserialises the epoch's whole persisted RDD to keep a {@code 1/rounds} of it, so an epoch reads its
 * batches {@code rounds} times (94 times for the full MNIST quickstart; an ImageNet epoch on 8 workers, ~500 rounds
 * of 38 MB minibatches, could not run). Here one shuffle moves minibatch {@code k} of worker {@code p} into partition
 * {@code (k / frequency) * workers + p}, and round {@code r} trains on partitions {@code r*workers .. r*workers+workers-1}
 * alone (a {@code PartitionPruningRDD}): every minibatch is serialised and read once, each round has exactly
 * {@code frequency} minibatches per worker, and the rounds follow each worker's order of minibatches.
 *
 * <p>When the epoch arrives already laid out by round ({@link #plan}: the data path routed the encoded records into
 * their round's partitions, {@link RoundLayout}), there is neither the counting pass nor the shuffle of decoded
 * minibatches: round {@code r} reads its partitions, whose tasks decode their own records, and nothing decoded is
 * kept once the round is over.
 */
final class AveragingTrainingMaster extends ParameterAveragingTrainingMaster {
    /** The round in flight: rounds run one after another within one fit. */
    private transient Broadcast<NetBroadcastTuple> round;
    /** The layout of the epoch the next fit trains, when its data path laid it out by round; null otherwise. */
    private transient RoundLayout planned;

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

    /** The next fit's data comes laid out by round as {@code layout} says (one fit: the plan is used once). */
    void plan(RoundLayout layout) {
        planned = layout;
    }

    /** {@code -Dconvoy.averaging.round-split=false}: DL4J's own split (a scan of the epoch per round), for A/B runs. */
    static final String ROUND_SPLIT_PROPERTY = "convoy.averaging.round-split";

    @Override
    protected void executeTrainingDirect(SparkComputationGraph graph, JavaRDD<MultiDataSet> trainingData) {
        if (!Boolean.parseBoolean(System.getProperty(ROUND_SPLIT_PROPERTY, "true"))) {
            super.executeTrainingDirect(graph, trainingData);
            return;
        }
        RoundLayout layout = planned;
        planned = null;
        if (layout != null) {
            if (trainingData.getNumPartitions() != layout.partitions()) {
                throw new IllegalStateException("the epoch was planned in " + layout.partitions()
                        + " partitions (" + layout + "), the data has " + trainingData.getNumPartitions());
            }
            if (collectTrainingStats) {
                stats.logFitStart();
            }
            trainRounds(graph, trainingData, layout.workers(), layout.rounds());
            if (collectTrainingStats) {
                stats.logFitEnd((int) layout.minibatches());
            }
            return;
        }
        if (collectTrainingStats) {
            stats.logFitStart();
            stats.logCountStart();
        }
        int workers = trainingData.getNumPartitions();
        int frequency = averagingFrequency;
        List<Integer> sizes = trainingData.mapPartitions(it -> {
            int n = 0;
            for (; it.hasNext(); it.next()) {
                n++;
            }
            return List.of(n).iterator();
        }).collect();
        int total = sizes.stream().mapToInt(Integer::intValue).sum();
        int rounds = Math.max(1, (sizes.stream().mapToInt(Integer::intValue).max().orElse(0) + frequency - 1) / frequency);
        if (collectTrainingStats) {
            stats.logCountEnd();
        }
        JavaRDD<MultiDataSet> byRound = trainingData
                .mapPartitionsWithIndex((p, it) -> roundKeyed(p, it, workers, frequency), true)
                .mapToPair(t -> t)
                .partitionBy(new HashPartitioner(rounds * workers))
                .values();
        trainRounds(graph, byRound, workers, rounds);
        if (collectTrainingStats) {
            stats.logFitEnd(total);
        }
    }

    /** Round r on partitions r*workers .. r*workers+workers-1 of the round-major {@code byRound}. */
    private void trainRounds(SparkComputationGraph graph, JavaRDD<MultiDataSet> byRound, int workers, int rounds) {
        for (int r = 0; r < rounds; r++) {
            doIteration(graph, partitions(byRound, r * workers, (r + 1) * workers), r + 1, rounds);
        }
    }


    /** Worker {@code p}'s minibatches keyed by their target partition: round {@code k / frequency}, slot {@code p}. */
    private static Iterator<Tuple2<Integer, MultiDataSet>> roundKeyed(int p, Iterator<MultiDataSet> it, int workers,
                                                                     int frequency) {
        return new Iterator<>() {
            private int k;

            @Override
            public boolean hasNext() {
                return it.hasNext();
            }

            @Override
            public Tuple2<Integer, MultiDataSet> next() {
                return new Tuple2<>((k++ / frequency) * workers + p, it.next());
            }
        };
    }

    /** Partitions {@code first .. end-1} of {@code rdd}, without computing the others. */
    static <T> JavaRDD<T> partitions(JavaRDD<T> rdd, int first, int end) {
        return JavaRDD.fromRDD(PartitionPruningRDD.create(rdd.rdd(), new PartitionRange(first, end)), rdd.classTag());
    }

    /** Keeps the partitions {@code first .. end-1}. */
    private static final class PartitionRange extends AbstractFunction1<Object, Object> implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        private final int first;
        private final int end;

        PartitionRange(int first, int end) {
            this.first = first;
            this.end = end;
        }

        @Override
        public Object apply(Object partition) {
            int p = (Integer) partition;
            return p >= first && p < end;
        }
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
