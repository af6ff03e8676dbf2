package io.convoy.driver.data;

import io.convoy.driver.config.RunConfig.DataSettings;
import io.convoy.driver.data.DatasetLoader.Split;
import io.convoy.worker.augment.Augmentation;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.batch.MinibatchFunction;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.zoo.InputShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.dataset.DataSet;

/** MNIST/CIFAR-10 files read whole on the driver; each epoch a seeded permutation is dealt evenly to the workers. */
final class InMemoryTrainingData implements TrainingData {
    private final ImageSplit train;
    private final ImageSplit test;
    private final Normalization norm;
    private final Augmentation augmentation;

    private InMemoryTrainingData(ImageSplit train, ImageSplit test, Augmentation augmentation) {
        this.train = train;
        this.test = test;
        this.norm = Normalization.measure(train.records(), train.shape().channels());
        this.augmentation = augmentation;
    }

    static InMemoryTrainingData load(DataSettings settings, Configuration hadoop) {
        DatasetLoader loader = new DatasetLoader(settings, hadoop);
        return new InMemoryTrainingData(loader.load(Split.TRAIN), loader.load(Split.TEST), settings.augmentation());
    }

    @Override
    public InputShape shape() {
        return train.shape();
    }

    @Override
    public int numClasses() {
        return train.numClasses();
    }

    @Override
    public long trainSize() {
        return train.size();
    }

    @Override
    public long testSize() {
        return test.size();
    }

    @Override
    public Normalization normalization() {
        return norm;
    }

    @Override
    public JavaRDD<DataSet> trainBatches(JavaSparkContext sc, int epoch, int workers, int batchSizePerWorker, long seed) {
        // parallelize cuts the list into equal consecutive slices: a fresh permutation gives every worker a new share
        return sc.parallelize(shuffled(train.records(), seed, epoch), workers)
                .mapPartitionsWithIndex(new MinibatchFunction(train.shape(), train.numClasses(), batchSizePerWorker,
                        augmentation, norm, seed, epoch), true);
    }

    /** The epoch's permutation cut into the layout's partitions on the driver: one list per partition, no shuffle. */
    @Override
    public JavaRDD<DataSet> trainRounds(JavaSparkContext sc, int epoch, RoundLayout layout, long seed) {
        List<ImageRecord> order = shuffled(train.records(), seed, epoch);
        List<List<ImageRecord>> parts = new ArrayList<>();
        for (int i = 0; i < layout.partitions(); i++) {
            parts.add(new ArrayList<>());
        }
        for (int pos = 0; pos < order.size(); pos++) {
            parts.get(layout.partitionOf(pos)).add(order.get(pos));
        }
        // parallelize gives each of as many slices as elements exactly one element: partition i is parts[i]
        return sc.parallelize(parts, parts.size())
                .flatMap(List::iterator)
                .mapPartitionsWithIndex(new MinibatchFunction(train.shape(), train.numClasses(), layout.batchSize(),
                        augmentation, norm, seed, epoch), true);
    }

    @Override
    public JavaRDD<ImageRecord> testRecords(JavaSparkContext sc, int partitions) {
        return sc.parallelize(test.records(), partitions);
    }

    @Override
    public ImageSplit testDescription() {
        return test;
    }

    /** A fresh permutation per epoch from (seed, epoch). */
    static List<ImageRecord> shuffled(List<ImageRecord> records, long seed, int epoch) {
        List<ImageRecord> copy = new ArrayList<>(records);
        Collections.shuffle(copy, new Random(seed * 1_000_003L + epoch));
        return copy;
    }
}
