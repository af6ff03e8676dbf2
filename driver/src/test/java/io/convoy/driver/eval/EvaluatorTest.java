package io.convoy.driver.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.augment.Augmentation;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.augment.TestTimeAugmentation;
import io.convoy.worker.batch.MinibatchFunction;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.data.SyntheticImages;
import io.convoy.zoo.InputShape;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.transforms.custom.Reverse;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Exact distributed counting on Spark local[2]: every record once, whatever the split size, batch
 * size and partition count, and the same errors as a direct count in this JVM; test-time views
 * against a reference built with ND4J's own slicing and reversing.
 */
class EvaluatorTest {
    private static JavaSparkContext sc;

    @BeforeAll
    static void spark() {
        sc = SparkContexts.create(new SparkSettings("local[2]", "evaluator-test", Map.of("spark.ui.enabled", "false")));
    }

    @AfterAll
    static void stop() {
        sc.close();
    }

    private static List<ImageRecord> records(int n, int channels, int size, long seed) {
        Random rng = new Random(seed);
        List<ImageRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int label = (i * 3) % SyntheticImages.CLASSES;
            out.add(new ImageRecord(i, label, SyntheticImages.image(label, channels, size, size, rng)));
        }
        return out;
    }

    /** A small net, initialised from a seed: its predictions are spread over the classes, right or wrong. */
    private static ComputationGraph net(InputShape in) {
        ComputationGraph g = new ComputationGraph(ModelZoo.build("resnet8", new ModelRequest(in, 10, 3, new Sgd(0.1), 0)));
        g.init();
        return g;
    }

    @ParameterizedTest(name = "{0} records, batch {1}, {2} partitions")
    @CsvSource({"1, 16, 3", "37, 16, 4", "301, 32, 3", "64, 64, 2"})
    void countsEveryRecordOnceAndAgreesWithADirectCount(int size, int batch, int partitions) {
        InputShape shape = new InputShape(1, 12, 12);
        List<ImageRecord> recs = records(size, 1, 12, size);
        ImageSplit split = new ImageSplit("generated", shape, 10, recs);
        Normalization norm = Normalization.measure(recs, 1);
        ComputationGraph g = net(shape);

        EvalCounts spark = Evaluator.evaluate(sc, g, sc.parallelize(recs, partitions), split, norm, batch);
        EvalCounts direct = Evaluator.evaluateLocally(g, split, norm, 7);

        assertEquals(size, spark.total(), "each record counted exactly once");
        assertEquals(direct.total(), spark.total());
        assertEquals(direct.top1Correct(), spark.top1Correct());
        assertEquals(direct.top5Correct(), spark.top5Correct());
        assertEquals(direct.meanNll(), spark.meanNll(), 1e-5);
        assertArrayEquals(direct.perClassRecords(), spark.perClassRecords());
        long[][] confusion = spark.confusionMatrix();
        long sum = 0;
        for (int t = 0; t < 10; t++) {
            for (int p = 0; p < 10; p++) {
                sum += confusion[t][p];
            }
            // the diagonal is the per-class top-1 count
            double acc = spark.perClassRecords()[t] == 0 ? Double.NaN : (double) confusion[t][t] / spark.perClassRecords()[t];
            assertEquals(acc, spark.perClassAccuracy()[t], 1e-12);
        }
        assertEquals(size, sum);
        assertArrayEquals(direct.confusionMatrix(), confusion);
    }

    /** NCHW images mirrored along the width, by ND4J's reverse op. */
    private static INDArray mirror(INDArray nchw) {
        return Nd4j.exec(new Reverse(nchw, 3))[0];
    }

    @Test
    void flipAndTenCropAverageTheProbabilitiesOfTheirViews() {
        InputShape stored = new InputShape(1, 12, 12);
        InputShape input = new InputShape(1, 8, 8);
        List<ImageRecord> recs = records(29, 1, 12, 9);
        Normalization norm = Normalization.measure(recs, 1);
        ComputationGraph g = net(input);

        // reference: whole normalised images from the training code's evaluation transform, then ND4J slicing
        DataSet all = new MinibatchFunction(stored, 10, recs.size(), Augmentation.NONE, norm, 0, 0)
                .call(0, recs.iterator()).next();
        INDArray x = all.getFeatures();
        int[][] origins = {{0, 0}, {0, 4}, {4, 0}, {4, 4}, {2, 2}};
        INDArray tenCrop = Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, recs.size(), 10);
        for (int[] o : origins) {
            INDArray crop = x.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(o[0], o[0] + 8),
                    NDArrayIndex.interval(o[1], o[1] + 8)).dup();
            tenCrop.addi(g.outputSingle(false, crop));
            tenCrop.addi(g.outputSingle(false, mirror(crop)));
        }
        tenCrop.divi(10);
        EvalCounts reference = new EvalCounts(10);
        reference.add(tenCrop, all.getLabels());

        Evaluator.Spec spec = new Evaluator.Spec(stored, input, 10, norm, 6, TestTimeAugmentation.TEN_CROP);
        EvalCounts spark = Evaluator.evaluate(sc, List.of(g.getConfiguration()), g.params(), sc.parallelize(recs, 3), spec).get(0);
        assertEquals(recs.size(), spark.total());
        assertEquals(reference.top1Correct(), spark.top1Correct());
        assertEquals(reference.top5Correct(), spark.top5Correct());
        assertEquals(reference.meanNll(), spark.meanNll(), 1e-4);
        assertArrayEquals(reference.confusionMatrix(), spark.confusionMatrix());

        // flip on images of the input size: the image and its mirror
        ComputationGraph same = net(stored);
        INDArray flipRef = same.outputSingle(false, x).add(
                same.outputSingle(false, mirror(x))).divi(2);
        EvalCounts flipReference = new EvalCounts(10);
        flipReference.add(flipRef, all.getLabels());
        EvalCounts flip = Evaluator.evaluateHere(List.of(same), recs,
                new Evaluator.Spec(stored, stored, 10, norm, 5, TestTimeAugmentation.FLIP)).get(0);
        assertEquals(flipReference.top1Correct(), flip.top1Correct());
        assertEquals(flipReference.meanNll(), flip.meanNll(), 1e-4);
        EvalCounts centre = Evaluator.evaluateHere(List.of(same), recs,
                new Evaluator.Spec(stored, stored, 10, norm, 5, TestTimeAugmentation.CENTRE)).get(0);
        assertTrue(Math.abs(centre.meanNll() - flip.meanNll()) > 1e-6, "the mirrored view changes the averaged output");
    }
}
