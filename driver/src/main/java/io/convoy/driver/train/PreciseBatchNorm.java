package io.convoy.driver.train;

import io.convoy.worker.batch.BatchNormStatistics;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Recomputes the BatchNorm statistics of the driver's network on the executors: each partition measures
 * its share of the minibatches with the current weights, the driver merges the sums and writes them in.
 */
final class PreciseBatchNorm {
    private PreciseBatchNorm() {
    }

    /** @return the number of minibatches measured */
    static long recompute(JavaSparkContext sc, ComputationGraph net, JavaRDD<DataSet> batches, int maxBatches) {
        int perPartition = Math.max(1, (int) Math.ceil((double) maxBatches / batches.getNumPartitions()));
        Broadcast<String> conf = sc.broadcast(net.getConfiguration().toJson());
        INDArray copy = net.params().dup();
        Broadcast<INDArray> params = sc.broadcast(copy);
        try {
            BatchNormStatistics stats = batches.mapPartitions(it -> {
                if (!it.hasNext()) {
                    return List.of(new BatchNormStatistics()).iterator();
                }
                ComputationGraph local = new ComputationGraph(ComputationGraphConfiguration.fromJson(conf.value()));
                INDArray p = params.value().dup();
                local.init(p, false);
                try {
                    return List.of(BatchNormStatistics.measure(local, it, perPartition)).iterator();
                } finally {
                    p.close();
                }
            }).reduce(BatchNormStatistics::merge);
            stats.applyTo(net);
            return stats.batches();
        } finally {
            // destroy, not unpersist: unpersist keeps the driver's copy until Spark's ContextCleaner runs
            conf.destroy(true);
            params.destroy(true);
            copy.close();
        }
    }
}
