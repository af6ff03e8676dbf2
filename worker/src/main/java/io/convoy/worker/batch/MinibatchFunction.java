package io.convoy.worker.batch;

import io.convoy.worker.augment.Augmentation;
import io.convoy.worker.augment.ImageTransform;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.ImageRecord;
import io.convoy.zoo.InputShape;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import org.apache.spark.api.java.function.Function2;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs inside a Spark task: turns a partition of records into minibatches of normalised, augmented
 * NCHW features and one-hot labels. Each record's crop and flip come from a random stream of its own,
 * seeded by (seed, epoch, record id): a re-run task, another partitioning or a resumed run draws the
 * same augmentation for the same record. The last batch of a partition may be smaller.
 */
public final class MinibatchFunction implements Function2<Integer, Iterator<ImageRecord>, Iterator<DataSet>> {
    private static final long serialVersionUID = 1L;

    private final InputShape shape;
    private final int numClasses;
    private final int batchSize;
    private final Augmentation augmentation;
    private final Normalization normalization;
    private final long seed;
    private final int epoch;

    /**
     * @param augmentation {@link Augmentation#NONE} for evaluation
     */
    public MinibatchFunction(InputShape shape, int numClasses, int batchSize, Augmentation augmentation,
                             Normalization normalization, long seed, int epoch) {
        if (batchSize <= 0) {
            throw new IllegalArgumentException("batch size must be > 0, got " + batchSize);
        }
        if (normalization.channels() != shape.channels()) {
            throw new IllegalArgumentException("normalisation has " + normalization.channels()
                    + " channels, images have " + shape.channels());
        }
        this.shape = shape;
        this.numClasses = numClasses;
        this.batchSize = batchSize;
        this.augmentation = augmentation;
        this.normalization = normalization;
        this.seed = seed;
        this.epoch = epoch;
    }

    @Override
    public Iterator<DataSet> call(Integer partition, Iterator<ImageRecord> records) {
        TaskThreads.applyToCurrentTask();
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return records.hasNext();
            }

            @Override
            public DataSet next() {
                if (!records.hasNext()) {
                    throw new NoSuchElementException();
                }
                List<ImageRecord> batch = new ArrayList<>(batchSize);
                while (batch.size() < batchSize && records.hasNext()) {
                    batch.add(records.next());
                }
                return toDataSet(batch);
            }
        };
    }

    /** Builds one batch, augmenting each record with its own random stream (none for {@link Augmentation#NONE}). */
    public DataSet toDataSet(List<ImageRecord> batch) {
        int n = batch.size();
        int pixels = shape.pixels();
        float[] features = new float[n * pixels];
        float[] labels = new float[n * numClasses];
        for (int i = 0; i < n; i++) {
            ImageRecord r = batch.get(i);
            if (r.pixels().length != pixels) {
                throw new IllegalArgumentException("record " + r.id() + " has " + r.pixels().length
                        + " pixels, expected " + pixels + " (" + shape + ")");
            }
            SplittableRandom rng = augmentation.isIdentity() ? null : recordRandom(seed, epoch, r.id());
            ImageTransform.apply(r.pixels(), shape.channels(), shape.height(), shape.width(), augmentation,
                    normalization, rng, features, i * pixels);
            labels[i * numClasses + r.label()] = 1f;
        }
        INDArray f = Nd4j.create(features, new long[] {n, shape.channels(), shape.height(), shape.width()}, DataType.FLOAT);
        INDArray l = Nd4j.create(labels, new long[] {n, numClasses}, DataType.FLOAT);
        return new DataSet(f, l);
    }

    /** The random stream of one record's augmentation in one epoch. */
    public static SplittableRandom recordRandom(long seed, int epoch, long recordId) {
        return new SplittableRandom(mix(seed, epoch, recordId));
    }

    /** SplitMix-style mixing so that neighbouring (epoch, record) pairs get unrelated streams. */
    static long mix(long seed, int epoch, long recordId) {
        long z = seed * 0x9E3779B97F4A7C15L + epoch * 0xBF58476D1CE4E5B9L + recordId * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
