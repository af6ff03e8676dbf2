package io.convoy.driver.eval;

import io.convoy.worker.augment.Augmentation;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.batch.MinibatchFunction;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Top-1/top-5 error on Spark, counted exactly: each partition scores its own records (no padding to
 * a full batch, no records dropped or repeated) and the per-partition counts are summed.
 */
public final class Evaluator {
    private Evaluator() {
    }

    public static EvalCounts evaluate(JavaSparkContext sc, ComputationGraph net, JavaRDD<ImageRecord> records,
                                      ImageSplit shapeOf, Normalization norm, int batchSize) {
        Broadcast<String> conf = sc.broadcast(net.getConfiguration().toJson());
        Broadcast<INDArray> params = sc.broadcast(net.params().dup());
        MinibatchFunction batches = new MinibatchFunction(shapeOf.shape(), shapeOf.numClasses(), batchSize,
                Augmentation.NONE, norm, 0, 0);
        int numClasses = shapeOf.numClasses();
        try {
            return records.mapPartitionsWithIndex((index, it) -> {
                EvalCounts counts = new EvalCounts(numClasses);
                if (it.hasNext()) {
                    ComputationGraph local = new ComputationGraph(ComputationGraphConfiguration.fromJson(conf.value()));
                    local.init(params.value().dup(), false);
                    score(local, batches.call(index, it), counts);
                }
                return List.of(counts).iterator();
            }, false).reduce(EvalCounts::merge);
        } finally {
            conf.unpersist();
            params.unpersist();
        }
    }

    /** The same count in this JVM, batch by batch: the reference the distributed count must equal. */
    public static EvalCounts evaluateLocally(ComputationGraph net, ImageSplit split, Normalization norm, int batchSize) {
        MinibatchFunction batches = new MinibatchFunction(split.shape(), split.numClasses(), batchSize,
                Augmentation.NONE, norm, 0, 0);
        EvalCounts counts = new EvalCounts(split.numClasses());
        score(net, batches.call(0, new ArrayList<>(split.records()).iterator()), counts);
        return counts;
    }

    private static void score(ComputationGraph net, Iterator<DataSet> batches, EvalCounts counts) {
        while (batches.hasNext()) {
            DataSet ds = batches.next();
            counts.add(net.outputSingle(false, ds.getFeatures()), ds.getLabels());
        }
    }
}
