package io.convoy.driver.data;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.config.RunConfig.DataSettings;
import io.convoy.worker.augment.Augmentation;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.batch.CorruptRecords;
import io.convoy.worker.batch.MinibatchFunction;
import io.convoy.worker.batch.ShardBatchFunction;
import io.convoy.worker.data.HadoopConf;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.shard.RecordDecoder;
import io.convoy.worker.data.shard.RecordEncoding;
import io.convoy.worker.data.shard.ShardReader;
import io.convoy.worker.data.shard.ShardRecord;
import io.convoy.worker.data.shard.ShardSource;
import io.convoy.zoo.InputShape;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.CollectionAccumulator;
import org.nd4j.linalg.dataset.DataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * A dataset prepared by {@code prepare-data}: {@code dataset.json} is read and every shard's presence
 * and size checked on the driver before Spark starts; the shards' SHA-256 are checked by a Spark job
 * on first use ({@code data.verify-checksums}). Each epoch the tasks read the shards, a seeded
 * permutation of all training records (broadcast as one int per record) keys a shuffle into
 * {@code workers} ranges of equal record count, and the tasks decode, augment and batch their records.
 */
public final class ShardTrainingData implements TrainingData {
    private static final Logger log = LoggerFactory.getLogger(ShardTrainingData.class);

    private final DataSettings settings;
    private final Path dir;
    private final DatasetManifest manifest;
    private final Configuration hadoop;
    private final RecordDecoder decoder;
    private final Augmentation rawAugmentation;
    private final long trainSize;
    private final long testSize;
    private boolean verified;
    private Broadcast<int[]> lastPermutation;
    private CollectionAccumulator<String> epochCorrupt;

    private ShardTrainingData(DataSettings settings, Path dir, DatasetManifest manifest, Configuration hadoop) {
        this.settings = settings;
        this.dir = dir;
        this.manifest = manifest;
        this.hadoop = hadoop;
        RecordEncoding encoding = manifest.recordEncoding();
        boolean digits = "mnist".equals(manifest.source());
        Augmentation configured = settings.augmentation(digits);
        this.decoder = new RecordDecoder(encoding, encoding == RecordEncoding.RAW ? manifest.inputShape() : null,
                manifest.classes().size(),
                settings.imageSize(), configured.flip());
        // raw pixels get pad-crop-flip when they become floats; image files were cropped and flipped by the decoder
        this.rawAugmentation = encoding == RecordEncoding.RAW ? configured : Augmentation.NONE;
        this.trainSize = limit(manifest.splits().get(DatasetManifest.TRAIN).records(), settings.trainLimit());
        this.testSize = limit(manifest.splits().get(DatasetManifest.TEST).records(), settings.testLimit());
    }

    private static long limit(long records, int limit) {
        return limit > 0 ? Math.min(records, limit) : records;
    }

    public static ShardTrainingData open(DataSettings settings, Configuration hadoop) {
        Path dir = HadoopPaths.resolve(settings.path());
        FileSystem fs = HadoopPaths.fileSystem(dir, hadoop);
        Path file = new Path(dir, DatasetManifest.FILE);
        DatasetManifest manifest;
        try (InputStream in = fs.open(file)) {
            manifest = DatasetManifest.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), file.toString());
        } catch (FileNotFoundException e) {
            throw new InvalidDataException("data.path = " + settings.path() + ": no " + DatasetManifest.FILE + " in " + dir
                    + " (data.format = shards expects a directory written by `convoy prepare-data`)");
        } catch (IOException e) {
            throw new InvalidDataException("data.path = " + settings.path() + ": cannot read " + file + ": " + e.getMessage(), e);
        }
        for (String split : List.of(DatasetManifest.TRAIN, DatasetManifest.TEST)) {
            DatasetManifest.Split s = manifest.splits().get(split);
            if (s.records() <= 0) {
                throw new InvalidDataException(file + ": the " + split + " split has no records");
            }
            for (DatasetManifest.Shard shard : s.shards()) {
                Path p = new Path(dir, shard.file());
                long length;
                try {
                    length = fs.getFileStatus(p).getLen();
                } catch (FileNotFoundException e) {
                    throw new InvalidDataException("shard " + p + " listed in " + file + " does not exist");
                } catch (IOException e) {
                    throw new InvalidDataException("cannot read shard " + p + ": " + e.getMessage(), e);
                }
                if (length != shard.bytes()) {
                    throw new InvalidDataException("shard " + p + " has " + length + " bytes, " + file + " says "
                            + shard.bytes() + " (truncated or replaced?)");
                }
            }
        }
        ShardTrainingData data = new ShardTrainingData(settings, dir, manifest, hadoop);
        log.info("{}: {} dataset, {} records, {} classes; {} train / {} test records in {} / {} shards", dir,
                manifest.source(), manifest.encoding(), manifest.classes().size(), data.trainSize, data.testSize,
                manifest.splits().get(DatasetManifest.TRAIN).shards().size(),
                manifest.splits().get(DatasetManifest.TEST).shards().size());
        return data;
    }

    public DatasetManifest manifest() {
        return manifest;
    }

    @Override
    public InputShape shape() {
        return decoder.outputShape();
    }

    @Override
    public int numClasses() {
        return manifest.classes().size();
    }

    @Override
    public long trainSize() {
        return trainSize;
    }

    @Override
    public long testSize() {
        return testSize;
    }

    @Override
    public Normalization normalization() {
        return manifest.normalization();
    }

    @Override
    public ImageSplit testDescription() {
        return new ImageSplit(dir.toString(), shape(), numClasses(), List.of());
    }

    /**
     * Compares every shard's SHA-256 with the manifest, in {@link #readTasks} Spark tasks.
     *
     * @throws InvalidDataException naming the first shard that does not match
     */
    public void verifyChecksums(JavaSparkContext sc) {
        List<String> paths = new ArrayList<>();
        List<String> expected = new ArrayList<>();
        for (DatasetManifest.Split s : manifest.splits().values()) {
            for (DatasetManifest.Shard shard : s.shards()) {
                paths.add(new Path(dir, shard.file()).toString());
                expected.add(shard.sha256());
            }
        }
        HadoopConf conf = new HadoopConf(hadoop);
        long start = System.nanoTime();
        List<String> actual = sc.parallelize(paths, readTasks(sc, paths.size()))
                .map(p -> ShardReader.sha256(new Path(p), conf.get())).collect();
        for (int i = 0; i < paths.size(); i++) {
            if (!actual.get(i).equals(expected.get(i))) {
                throw new InvalidDataException("shard " + paths.get(i) + ": SHA-256 " + actual.get(i) + " does not match "
                        + expected.get(i) + " in " + new Path(dir, DatasetManifest.FILE) + " (corrupted or replaced shard)");
            }
        }
        log.info("{} shard checksums verified ({} ms)", paths.size(), (System.nanoTime() - start) / 1_000_000);
    }

    private void verifyOnce(JavaSparkContext sc) {
        if (!verified && settings.verifyChecksums()) {
            verifyChecksums(sc);
        }
        verified = true;
    }

    /**
     * Tasks that read {@code shards} shards: one per shard up to {@link #READ_TASKS_PER_CORE} per core of the
     * cluster, then several consecutive shards per task. A task per tiny shard costs Spark's per-task overhead
     * (about 8 ms a shard on this machine: BENCHMARKS.md, Many shards) thousands of times an epoch; a few tasks per core keep every core reading.
     */
    static int readTasks(JavaSparkContext sc, int shards) {
        int perCore = Integer.getInteger(READ_TASKS_PROPERTY, READ_TASKS_PER_CORE);
        return Math.max(1, perCore <= 0 ? shards
                : (int) Math.min(shards, (long) perCore * Math.max(1, sc.defaultParallelism())));
    }

    static final int READ_TASKS_PER_CORE = 4;
    /** {@code -Dconvoy.shard-read-tasks-per-core=0}: one task per shard, as before (A/B runs). */
    static final String READ_TASKS_PROPERTY = "convoy.shard-read-tasks-per-core";

    /** The records of a split, read by {@link #readTasks} tasks, at most {@code limit} of them (positions 0..limit-1). */
    JavaRDD<ShardRecord> records(JavaSparkContext sc, String split, long limit) {
        List<DatasetManifest.Shard> shards = manifest.splits().get(split).shards();
        List<String> paths = new ArrayList<>();
        long[] first = new long[shards.size()];
        long position = 0;
        int used = 0;
        for (int i = 0; i < shards.size(); i++) {
            paths.add(new Path(dir, shards.get(i).file()).toString());
            first[i] = position;
            if (position < limit) {
                used = i + 1;
            }
            position += shards.get(i).records();
        }
        JavaRDD<ShardRecord> rdd = sc.parallelize(IntStream.range(0, used).boxed().toList(), readTasks(sc, used))
                .flatMap(new ShardSource(paths, first, new HadoopConf(hadoop)));
        return position > limit ? rdd.filter(r -> r.index() < limit) : rdd;
    }

    /**
     * One epoch's assignment of training records to {@code workers} partitions, before decoding: a
     * permutation of the split positions from (seed, epoch); partition p gets the records whose new
     * position lies in its range, in that order.
     */
    public JavaRDD<ShardRecord> assign(JavaSparkContext sc, int epoch, int workers, long seed) {
        return assign(sc, epoch, new EvenRangePartitioner(trainSize, workers), seed);
    }

    /** As {@link #assign(JavaSparkContext, int, int, long)}, each record routed by its new position. */
    private JavaRDD<ShardRecord> assign(JavaSparkContext sc, int epoch, org.apache.spark.Partitioner byPosition, long seed) {
        int[] positionOf = permutation((int) trainSize, seed, epoch);
        if (lastPermutation != null) {
            lastPermutation.destroy();
        }
        Broadcast<int[]> perm = sc.broadcast(positionOf);
        lastPermutation = perm;
        JavaPairRDD<Long, ShardRecord> keyed = records(sc, DatasetManifest.TRAIN, trainSize)
                .mapToPair(r -> new Tuple2<>((long) perm.value()[(int) r.index()], r));
        return keyed.repartitionAndSortWithinPartitions(byPosition).values();
    }

    /** positionOf[i] = where record i goes this epoch: a Fisher-Yates permutation seeded by (seed, epoch). */
    static int[] permutation(int n, long seed, int epoch) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + epoch);
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }

    @Override
    public JavaRDD<DataSet> trainBatches(JavaSparkContext sc, int epoch, int workers, int batchSizePerWorker, long seed) {
        return batches(sc, epoch, new EvenRangePartitioner(trainSize, workers), batchSizePerWorker, seed);
    }

    /** The shuffle moves the encoded records straight into their round's partition; the tasks decode them. */
    @Override
    public JavaRDD<DataSet> trainRounds(JavaSparkContext sc, int epoch, RoundLayout layout, long seed) {
        return batches(sc, epoch, layout.partitioner(), layout.batchSize(), seed);
    }

    private JavaRDD<DataSet> batches(JavaSparkContext sc, int epoch, org.apache.spark.Partitioner byPosition,
                                     int batchSizePerWorker, long seed) {
        verifyOnce(sc);
        epochCorrupt = sc.sc().collectionAccumulator("corrupt training records, epoch " + epoch);
        CorruptRecords corrupt = new CorruptRecords(settings.maxBadRecords(), shardNames(DatasetManifest.TRAIN), epochCorrupt);
        MinibatchFunction batches = new MinibatchFunction(shape(), numClasses(), batchSizePerWorker, rawAugmentation,
                normalization(), seed, epoch);
        return assign(sc, epoch, byPosition, seed)
                .mapPartitionsWithIndex(new ShardBatchFunction(decoder, batches, corrupt, seed, epoch), true);
    }

    @Override
    public void afterEpoch(int epoch) {
        if (epochCorrupt == null) {
            return;
        }
        Set<String> distinct = new LinkedHashSet<>(epochCorrupt.value()); // a recomputed partition reports twice
        if (distinct.size() > settings.maxBadRecords()) {
            throw new InvalidDataException("epoch " + epoch + " met " + distinct.size() + " corrupt training records,"
                    + " more than data.max-bad-records = " + settings.maxBadRecords() + "; the first: "
                    + distinct.iterator().next());
        }
        if (!distinct.isEmpty()) {
            log.warn("epoch {}: {} corrupt training records skipped (data.max-bad-records = {})", epoch, distinct.size(),
                    settings.maxBadRecords());
        }
    }

    @Override
    public JavaRDD<ImageRecord> testRecords(JavaSparkContext sc, int partitions) {
        verifyOnce(sc);
        CorruptRecords corrupt = new CorruptRecords(settings.maxBadRecords(), shardNames(DatasetManifest.TEST), null);
        return records(sc, DatasetManifest.TEST, testSize)
                .mapToPair(r -> new Tuple2<>(r.index(), r))
                .partitionBy(new EvenRangePartitioner(testSize, partitions))
                .values()
                .mapPartitions(ShardBatchFunction.evaluation(decoder, corrupt), true);
    }

    private List<String> shardNames(String split) {
        return manifest.splits().get(split).shards().stream().map(DatasetManifest.Shard::file).toList();
    }
}
