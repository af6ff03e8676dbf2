package io.convoy.driver.data;

import io.convoy.driver.config.RunConfig.DataSettings;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.batch.TaskThreads;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.zoo.InputShape;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The data of a run as the epoch loop needs it: the shapes and sizes, each epoch's training
 * minibatches spread over the workers, and the test split for evaluation. Opening it checks the
 * input before Spark starts. {@code data.format} picks the implementation: raw files read on the
 * driver ({@code mnist}, {@code cifar10}) or shards read, decoded and augmented in the tasks ({@code shards}).
 */
public interface TrainingData {
    static TrainingData open(DataSettings settings, Configuration hadoop) {
        return switch (settings.format()) {
            case MNIST, CIFAR10 -> InMemoryTrainingData.load(settings, hadoop);
            case SHARDS -> ShardTrainingData.open(settings, hadoop);
        };
    }

    /** What the network sees: channels x height x width of a minibatch example. */
    InputShape shape();

    int numClasses();

    long trainSize();

    long testSize();

    /** Per-channel mean/std of the training split. */
    Normalization normalization();

    /**
     * One epoch's training minibatches in {@code workers} partitions. Every training record is in
     * exactly one partition; partition sizes differ by at most one record; the assignment is a fresh
     * permutation for each (seed, epoch). Decoding and augmentation run in the tasks.
     */
    JavaRDD<DataSet> trainBatches(JavaSparkContext sc, int epoch, int workers, int batchSizePerWorker, long seed);

    /**
     * The same epoch (the same records of each worker, in the same order) laid out for parameter averaging, one
     * partition per worker and round ({@link RoundLayout}), so that each round's tasks read and decode only their own
     * records and nothing decoded has to be held: what lets an epoch larger than the executors' memory train.
     */
    JavaRDD<DataSet> trainRounds(JavaSparkContext sc, int epoch, RoundLayout layout, long seed);

    /**
     * The test split as evaluation-ready pixels of {@link #shape()} (decoded and centre-cropped in the
     * tasks for image files), spread evenly over {@code partitions}: what {@code Evaluator} scores.
     */
    JavaRDD<ImageRecord> testRecords(JavaSparkContext sc, int partitions);

    /**
     * The test split's shape and class count for {@code Evaluator}. Its record list is empty for
     * shards, whose records stay on the file system: use {@link #testRecords}.
     */
    ImageSplit testDescription();

    /**
     * Gives each of {@code workers} training tasks its share of the cores when they run in this JVM ({@code local[*]}:
     * {@link TaskThreads}); on a cluster each executor keeps its libnd4j defaults. Set on the calling thread, so for
     * the jobs it submits next (the training run calls it before each epoch's batches).
     */
    static void shareCores(JavaSparkContext sc, int workers) {
        sc.setLocalProperty(TaskThreads.PROPERTY, sc.isLocal()
                ? String.valueOf(TaskThreads.perTask(Runtime.getRuntime().availableProcessors(), workers)) : null);
    }

    /** Called after each epoch's fit: fails the run when the epoch met more corrupt records than allowed. */
    default void afterEpoch(int epoch) {
    }
}
