package io.convoy.driver.eval;

import io.convoy.worker.augment.Augmentation;
import io.convoy.worker.augment.CropView;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.augment.TestTimeAugmentation;
import io.convoy.worker.batch.MinibatchFunction;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.predict.PredictionInput;
import io.convoy.zoo.InputShape;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Top-1/top-5 error on Spark, counted exactly: each partition scores its own records (no padding to
 * a full batch, no records dropped or repeated) and the per-partition counts are summed.
 *
 * <p>Several variants of one network (the same parameters under different graphs, e.g. a FractalNet
 * and its deepest column) are scored in the same pass, and each record can be seen through several
 * test-time views whose class probabilities are averaged.
 */
public final class Evaluator {
    private Evaluator() {
    }

    /**
     * How records become network inputs.
     *
     * @param stored  the shape of the stored images
     * @param network the shape the network takes (at most the stored size; views are crops of it)
     */
    public record Spec(InputShape stored, InputShape network, int numClasses, Normalization norm, int batchSize,
                       TestTimeAugmentation tta) implements Serializable {
        public Spec {
            if (batchSize <= 0) {
                throw new IllegalArgumentException("evaluation batch size must be > 0, got " + batchSize);
            }
            tta.views(stored, network); // fails early, on the driver, when the views cannot be taken
        }

        List<CropView> views() {
            return tta.views(stored, network);
        }
    }

    /** The centre-crop evaluation of one network, as training runs it after each epoch. */
    public static EvalCounts evaluate(JavaSparkContext sc, ComputationGraph net, JavaRDD<ImageRecord> records,
                                      ImageSplit shapeOf, Normalization norm, int batchSize) {
        Spec spec = new Spec(shapeOf.shape(), shapeOf.shape(), shapeOf.numClasses(), norm, batchSize, TestTimeAugmentation.CENTRE);
        return evaluate(sc, List.of(net.getConfiguration()), net.params(), records, spec).get(0);
    }

    /**
     * Scores every record once per variant.
     *
     * @param variants graphs that share the parameter layout of {@code params}
     * @return one count per variant, in order
     */
    public static List<EvalCounts> evaluate(JavaSparkContext sc, List<ComputationGraphConfiguration> variants,
                                            INDArray params, JavaRDD<ImageRecord> records, Spec spec) {
        Broadcast<List<String>> confs = sc.broadcast(variants.stream().map(ComputationGraphConfiguration::toJson).toList());
        INDArray weightsCopy = params.dup();
        Broadcast<INDArray> weights = sc.broadcast(weightsCopy);
        int n = variants.size();
        try {
            return records.mapPartitions(it -> {
                List<EvalCounts> counts = fresh(n, spec.numClasses());
                if (it.hasNext()) {
                    INDArray p = weights.value().dup();
                    try {
                        score(networks(confs.value(), p), it, spec, counts);
                    } finally {
                        p.close(); // the variants' one parameter array: free it now, not at some later GC
                    }
                }
                return List.of(counts).iterator();
            }, false).reduce(Evaluator::merge);
        } finally {
            // destroy, not unpersist: unpersist keeps the driver's copy (a dup of the parameters) until Spark's
            // ContextCleaner sees the Broadcast collected
            confs.destroy(true);
            weights.destroy(true);
            weightsCopy.close();
        }
    }

    /**
     * Class probabilities of every input, through the evaluation's path (same views, normalisation and
     * averaging), with the {@code k} most probable classes of each, in the inputs' order. Lazy: nothing runs
     * until the result is used.
     */
    public static JavaRDD<Prediction> predict(JavaSparkContext sc, ComputationGraph net, JavaRDD<PredictionInput> inputs,
                                              Spec spec, int k) {
        if (k < 1 || k > spec.numClasses()) {
            throw new IllegalArgumentException("top-k " + k + ": expected 1.." + spec.numClasses());
        }
        Broadcast<List<String>> confs = sc.broadcast(List.of(net.getConfiguration().toJson()));
        Broadcast<INDArray> weights = sc.broadcast(net.params().dup());
        return inputs.mapPartitions(it -> {
            List<Prediction> out = new ArrayList<>();
            if (!it.hasNext()) {
                return out.iterator();
            }
            INDArray params = weights.value().dup();
            try {
                List<ComputationGraph> nets = networks(confs.value(), params);
                List<CropView> views = spec.views();
                List<PredictionInput> batch = new ArrayList<>(spec.batchSize());
                List<ImageRecord> records = new ArrayList<>(spec.batchSize());
                while (it.hasNext()) {
                    batch.clear();
                    records.clear();
                    while (batch.size() < spec.batchSize() && it.hasNext()) {
                        PredictionInput in = it.next();
                        batch.add(in);
                        records.add(in.record());
                    }
                    float[] p = probabilities(nets, records, views, spec)[0];
                    for (int i = 0; i < batch.size(); i++) {
                        out.add(Prediction.top(batch.get(i), p, i * spec.numClasses(), spec.numClasses(), k));
                    }
                }
            } finally {
                params.close(); // the graphs' one parameter array: freed now, not at some later GC
            }
            return out.iterator();
        }, true);
    }

    /** The graphs of a task, sharing one copy of the parameters (inference only). */
    /** The caller owns {@code p} (a task's own copy of the broadcast) and closes it after the last use. */
    private static List<ComputationGraph> networks(List<String> confs, INDArray p) {
        List<ComputationGraph> nets = new ArrayList<>();
        for (String json : confs) {
            ComputationGraph net = new ComputationGraph(ComputationGraphConfiguration.fromJson(json));
            net.init(p, false); // inference only: the variants can share one parameter array
            nets.add(net);
        }
        return nets;
    }

    /** The same evaluation in this JVM, through the same code path as the Spark tasks. */
    public static List<EvalCounts> evaluateHere(List<ComputationGraph> nets, List<ImageRecord> records, Spec spec) {
        List<EvalCounts> counts = fresh(nets.size(), spec.numClasses());
        score(nets, records.iterator(), spec, counts);
        return counts;
    }

    /**
     * An independent reference for tests: the training code's minibatch path (no views), batch by
     * batch in this JVM. The distributed count must equal it.
     */
    public static EvalCounts evaluateLocally(ComputationGraph net, ImageSplit split, Normalization norm, int batchSize) {
        MinibatchFunction batches = new MinibatchFunction(split.shape(), split.numClasses(), batchSize,
                Augmentation.NONE, norm, 0, 0);
        EvalCounts counts = new EvalCounts(split.numClasses());
        Iterator<DataSet> it = batches.call(0, new ArrayList<>(split.records()).iterator());
        while (it.hasNext()) {
            DataSet ds = it.next();
            counts.add(net.outputSingle(false, ds.getFeatures()), ds.getLabels());
        }
        return counts;
    }

    private static List<EvalCounts> fresh(int n, int numClasses) {
        List<EvalCounts> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(new EvalCounts(numClasses));
        }
        return out;
    }

    private static List<EvalCounts> merge(List<EvalCounts> a, List<EvalCounts> b) {
        List<EvalCounts> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(a.get(i).merge(b.get(i)));
        }
        return out;
    }

    private static void score(List<ComputationGraph> nets, Iterator<ImageRecord> records, Spec spec, List<EvalCounts> counts) {
        List<CropView> views = spec.views();
        List<ImageRecord> batch = new ArrayList<>(spec.batchSize());
        while (records.hasNext()) {
            batch.clear();
            while (batch.size() < spec.batchSize() && records.hasNext()) {
                batch.add(records.next());
            }
            scoreBatch(nets, batch, views, spec, counts);
        }
    }

    /** Averages each variant's class probabilities over the views, then counts every record of the batch. */
    private static void scoreBatch(List<ComputationGraph> nets, List<ImageRecord> batch, List<CropView> views, Spec spec,
                                   List<EvalCounts> counts) {
        float[][] sums = probabilities(nets, batch, views, spec);
        int k = spec.numClasses();
        for (int v = 0; v < nets.size(); v++) {
            for (int i = 0; i < batch.size(); i++) {
                counts.get(v).add(batch.get(i).label(), sums[v], i * k);
            }
        }
    }

    /** Per variant, the class probabilities of the batch's records ({@code n x numClasses}, row-major) averaged over the views. */
    private static float[][] probabilities(List<ComputationGraph> nets, List<ImageRecord> batch, List<CropView> views, Spec spec) {
        int n = batch.size();
        int k = spec.numClasses();
        InputShape in = spec.network();
        InputShape st = spec.stored();
        int pixels = in.pixels();
        float[][] sums = new float[nets.size()][n * k];
        float[] features = new float[n * pixels];
        for (CropView view : views) {
            for (int i = 0; i < n; i++) {
                ImageRecord r = batch.get(i);
                if (r.pixels().length != st.pixels()) {
                    throw new IllegalArgumentException("record " + r.id() + " has " + r.pixels().length
                            + " pixels, expected " + st.pixels() + " (" + st + ")");
                }
                view.render(r.pixels(), st.channels(), st.height(), st.width(), spec.norm(), features, i * pixels);
            }
            // every array of a batch is closed here: ND4J would free their native buffers only once the garbage
            // collector reaches their Java objects, which a quiet heap postpones for many epochs (issue 14)
            INDArray x = Nd4j.create(features, new long[] {n, in.channels(), in.height(), in.width()}, DataType.FLOAT);
            try {
                for (int v = 0; v < nets.size(); v++) {
                    INDArray out = nets.get(v).outputSingle(false, x);
                    INDArray asFloat = out.castTo(DataType.FLOAT);
                    INDArray dense = asFloat.dup('c');
                    float[] p = dense.data().asFloat();
                    dense.close();
                    asFloat.close();
                    out.close();
                    for (int j = 0; j < n * k; j++) {
                        sums[v][j] += p[j];
                    }
                }
            } finally {
                x.close();
            }
        }
        if (views.size() > 1) {
            for (float[] s : sums) {
                for (int j = 0; j < s.length; j++) {
                    s[j] /= views.size();
                }
            }
        }
        return sums;
    }
}
