package io.convoy.driver.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.RunConfig.DataFormat;
import io.convoy.driver.config.RunConfig.DataSettings;
import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.data.prepare.PrepareData;
import io.convoy.driver.data.prepare.PrepareSettings;
import io.convoy.driver.data.prepare.SourceFormat;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.SyntheticImages;
import io.convoy.worker.data.cifar.CifarBinaryReader;
import io.convoy.worker.data.shard.ShardRecord;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/** Raw-pixel sources (CIFAR-10/100, MNIST) through prepare-data, shards and the per-epoch assignment on Spark local[2]. */
class ShardPipelineTest {
    static JavaSparkContext sc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        sc = SparkContexts.create(new SparkSettings("local[2]", "shard-pipeline-test", Map.of("spark.ui.enabled", "false")));
    }

    @AfterAll
    static void stopSpark() {
        sc.close();
    }

    static DatasetManifest prepare(SourceFormat source, Path in, Path out, long shardBytes, boolean coarse) throws Exception {
        return new PrepareData(new PrepareSettings(source, in.toString(), out.toString(), shardBytes, coarse, null, null, 10, false),
                new Configuration()).run(() -> sc);
    }

    static DataSettings shards(Path dir, int pad, String flip, int maxBad, int imageSize) {
        return new DataSettings(DataFormat.SHARDS, dir.toString(), 0, 0, pad, flip, maxBad, imageSize, true);
    }

    /** CIFAR-10 source: 5 batches of 30 + 25 test records, class names in batches.meta.txt. */
    private Path cifar10() throws Exception {
        Path src = tmp.resolve("cifar-10-batches-bin");
        SyntheticImages.writeCifar10Dir(src, 5, 30, 25, 7);
        Files.writeString(src.resolve("batches.meta.txt"),
                "airplane\nautomobile\nbird\ncat\ndeer\ndog\nfrog\nhorse\nship\ntruck\n\n");
        return src;
    }

    private static List<ImageRecord> readCifar(Path dir, String... files) throws Exception {
        List<ImageRecord> out = new ArrayList<>();
        for (String f : files) {
            CifarBinaryReader.readCifar10(f, new ByteArrayInputStream(Files.readAllBytes(dir.resolve(f))), out.size(), out);
        }
        return out;
    }

    @Test
    void cifar10ToShardsIsDeterministicAndCarriesTheSourcePixels() throws Exception {
        Path src = cifar10();
        long twentyRecords = 20 * (3072 + 24);
        DatasetManifest m = prepare(SourceFormat.CIFAR10, src, tmp.resolve("out"), twentyRecords, false);

        List<ImageRecord> train = readCifar(src, "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin",
                "data_batch_4.bin", "data_batch_5.bin");
        assertEquals("cifar10", m.source());
        assertEquals("raw-u8-chw", m.encoding());
        assertEquals("airplane", m.classes().get(0));
        assertEquals(10, m.classes().size());
        assertEquals(new DatasetManifest.Shape(3, 32, 32), m.shape());
        assertEquals(150, m.splits().get("train").records());
        assertEquals(8, m.splits().get("train").shards().size(), "150 records in shards of 20");
        assertEquals(25, m.splits().get("test").records());
        Normalization expected = Normalization.measure(train, 3);
        assertArrayEquals(expected.mean(), m.mean(), 1e-12);
        assertArrayEquals(expected.std(), m.std(), 1e-12);

        // the same input again: the same bytes, the same manifest
        DatasetManifest again = prepare(SourceFormat.CIFAR10, src, tmp.resolve("again"), twentyRecords, false);
        assertEquals(m.toJson(), again.toJson());
        for (DatasetManifest.Shard s : m.splits().get("train").shards()) {
            assertArrayEquals(Files.readAllBytes(tmp.resolve("out").resolve(s.file())),
                    Files.readAllBytes(tmp.resolve("again").resolve(s.file())), s.file());
        }
        assertEquals(Files.readString(tmp.resolve("out/dataset.json")), Files.readString(tmp.resolve("again/dataset.json")));

        // executors' minibatches (no augmentation): every training record exactly once, pixels and label as in the source
        ShardTrainingData data = ShardTrainingData.open(shards(tmp.resolve("out"), 0, "false", 0, 224), new Configuration());
        assertEquals("3x32x32", data.shape().toString());
        Map<String, ImageRecord> byPixels = new HashMap<>();
        train.forEach(r -> byPixels.put(Arrays.toString(r.pixels()), r));
        Set<Long> seen = new HashSet<>();
        Normalization norm = data.normalization();
        for (DataSet batch : data.trainBatches(sc, 1, 3, 16, 42).collect()) {
            float[] f = batch.getFeatures().data().asFloat();
            int n = (int) batch.getFeatures().size(0);
            for (int i = 0; i < n; i++) {
                byte[] px = new byte[3072];
                for (int j = 0; j < 3072; j++) {
                    int c = j / 1024;
                    px[j] = (byte) Math.round((f[i * 3072 + j] * norm.std()[c] + norm.mean()[c]) * 255);
                }
                ImageRecord source = byPixels.get(Arrays.toString(px));
                assertTrue(source != null, "batch row " + i + " is a source record");
                assertTrue(seen.add(source.id()), "record " + source.id() + " once");
                assertEquals(1.0, batch.getLabels().getDouble(i, source.label()), "label of record " + source.id());
            }
        }
        assertEquals(150, seen.size());

        // the test split, evaluation-ready and spread evenly
        List<ImageRecord> test = readCifar(src, "test_batch.bin");
        List<List<ImageRecord>> parts = data.testRecords(sc, 2).glom().collect();
        assertEquals(List.of(12, 13), parts.stream().map(List::size).sorted().toList());
        for (List<ImageRecord> part : parts) {
            for (ImageRecord r : part) {
                assertArrayEquals(test.get((int) r.id()).pixels(), r.pixels());
                assertEquals(test.get((int) r.id()).label(), r.label());
            }
        }
    }

    @Test
    void eachEpochDealsEveryRecordOnceEvenlyInAFreshOrder() throws Exception {
        prepare(SourceFormat.CIFAR10, cifar10(), tmp.resolve("out"), 17 * 3100, false);
        ShardTrainingData data = ShardTrainingData.open(shards(tmp.resolve("out"), 4, "auto", 0, 224), new Configuration());
        List<List<Long>> epoch1 = ids(data.assign(sc, 1, 4, 42).glom().collect());
        List<List<Long>> epoch2 = ids(data.assign(sc, 2, 4, 42).glom().collect());
        for (List<List<Long>> epoch : List.of(epoch1, epoch2)) {
            assertEquals(4, epoch.size());
            List<Long> all = epoch.stream().flatMap(List::stream).sorted().toList();
            assertEquals(150, all.size(), "no record dropped or repeated");
            assertEquals(150, new HashSet<>(all).size());
            for (List<Long> part : epoch) {
                assertTrue(part.size() == 37 || part.size() == 38, "partition of " + part.size() + " records");
            }
        }
        assertNotEquals(epoch1, epoch2, "a new assignment each epoch");
        assertEquals(epoch1, ids(data.assign(sc, 1, 4, 42).glom().collect()), "the same for the same seed and epoch");
        assertNotEquals(epoch1, ids(data.assign(sc, 1, 4, 43).glom().collect()), "another seed, another order");
        // every partition has records from several shards: assignment by record, not by file
        assertTrue(data.assign(sc, 1, 4, 42).glom().collect().stream()
                .allMatch(p -> p.stream().map(ShardRecord::shard).distinct().count() > 3));

        // training batches with pad-and-crop + flip are the same for the same (seed, epoch), whatever the partitioning
        float[] a = sortedRows(data.trainBatches(sc, 3, 2, 50, 42).collect());
        float[] b = sortedRows(data.trainBatches(sc, 3, 5, 7, 42).collect());
        assertArrayEquals(a, b);
        for (int e = 1; e <= 3; e++) {
            data.afterEpoch(e);
        }
    }

    @Test
    void anEpochLaidOutByRoundHoldsEachWorkersMinibatchesInOrder() throws Exception {
        Path src = cifar10();
        prepare(SourceFormat.CIFAR10, src, tmp.resolve("out"), 17 * 3100, false);
        Configuration hadoop = new Configuration();
        TrainingData sharded = ShardTrainingData.open(shards(tmp.resolve("out"), 4, "auto", 0, 224), hadoop);
        TrainingData files = TrainingData.open(new DataSettings(DataFormat.CIFAR10, src.toString(), 0, 0, 4, "auto", 0,
                224, true), hadoop);
        for (TrainingData data : List.of(sharded, files)) {
            // 150 records: 3 workers of 50 in minibatches of 8 (7 each, the last of 2), rounds of 3 -> 3 rounds, the
            // last with one minibatch; 4 workers of 37/38 in minibatches of 5 (8 each), rounds of 2 -> 4 rounds
            for (RoundLayout layout : List.of(new RoundLayout(150, 3, 8, 3), new RoundLayout(150, 4, 5, 2))) {
                int w = layout.workers();
                List<List<DataSet>> byWorker = data.trainBatches(sc, 2, w, layout.batchSize(), 42).glom().collect();
                List<List<DataSet>> byRound = data.trainRounds(sc, 2, layout, 42).glom().collect();
                assertEquals(layout.partitions(), byRound.size(), layout.toString());
                long minibatches = 0;
                for (int p = 0; p < w; p++) {
                    List<DataSet> joined = new ArrayList<>();
                    for (int r = 0; r < layout.rounds(); r++) {
                        List<DataSet> part = byRound.get(r * w + p);
                        assertTrue(part.size() <= layout.frequency(), "round " + r + " of worker " + p + ": " + part.size());
                        joined.addAll(part);
                    }
                    List<DataSet> expected = byWorker.get(p);
                    assertEquals(expected.size(), joined.size(), "minibatches of worker " + p + ", " + layout);
                    for (int k = 0; k < expected.size(); k++) {
                        assertEquals(expected.get(k).getFeatures(), joined.get(k).getFeatures(), "minibatch " + k);
                        assertEquals(expected.get(k).getLabels(), joined.get(k).getLabels(), "labels " + k);
                    }
                    minibatches += joined.size();
                }
                assertEquals(layout.minibatches(), minibatches);
            }
        }
        assertEquals(3, new RoundLayout(150, 3, 8, 3).rounds());
        assertEquals(21, new RoundLayout(150, 3, 8, 3).minibatches());
        assertEquals(4, new RoundLayout(150, 4, 5, 2).rounds());
        for (int e = 1; e <= 2; e++) {
            sharded.afterEpoch(e);
        }
    }

    private static List<List<Long>> ids(List<List<ShardRecord>> parts) {
        return parts.stream().map(p -> p.stream().map(ShardRecord::id).toList()).toList();
    }

    /** All feature rows, each row summed to a key and the keys sorted: independent of batch and partition order. */
    private static float[] sortedRows(List<DataSet> batches) {
        List<Float> keys = new ArrayList<>();
        for (DataSet d : batches) {
            float[] f = d.getFeatures().data().asFloat();
            int n = (int) d.getFeatures().size(0);
            int per = f.length / n;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < per; j++) {
                    s += f[i * per + j] * (j % 97 + 1);
                }
                keys.add((float) s);
            }
        }
        keys.sort(Float::compare);
        float[] out = new float[keys.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = keys.get(i);
        }
        return out;
    }

    @Test
    void cifar100FineAndCoarseAndGzippedMnist() throws Exception {
        Path c100 = tmp.resolve("cifar-100-binary");
        Files.createDirectories(c100);
        byte[] trainBytes = SyntheticImages.cifar100Bytes(40, 1);
        Files.write(c100.resolve("train.bin"), trainBytes);
        Files.write(c100.resolve("test.bin"), SyntheticImages.cifar100Bytes(10, 2));
        DatasetManifest fine = prepare(SourceFormat.CIFAR100, c100, tmp.resolve("fine"), 1 << 20, false);
        DatasetManifest coarse = prepare(SourceFormat.CIFAR100, c100, tmp.resolve("coarse"), 1 << 20, true);
        assertEquals(100, fine.classes().size());
        assertEquals(20, coarse.classes().size());
        assertEquals(40, fine.splits().get("train").records());
        // the record of id 3 carries the fine label byte in one dataset and the coarse one in the other
        ShardTrainingData f = ShardTrainingData.open(shards(tmp.resolve("fine"), 0, "false", 0, 224), new Configuration());
        ShardTrainingData c = ShardTrainingData.open(shards(tmp.resolve("coarse"), 0, "false", 0, 224), new Configuration());
        ShardRecord f3 = f.records(sc, "train", 40).filter(r -> r.id() == 3).first();
        ShardRecord c3 = c.records(sc, "train", 40).filter(r -> r.id() == 3).first();
        assertEquals(trainBytes[3 * 3074 + 1] & 0xff, f3.label());
        assertEquals(trainBytes[3 * 3074] & 0xff, c3.label());
        assertArrayEquals(Arrays.copyOfRange(trainBytes, 3 * 3074 + 2, 4 * 3074), f3.payload());

        Path mnist = tmp.resolve("mnist");
        Files.createDirectories(mnist);
        SyntheticImages.writeIdx(mnist.resolve("train-images-idx3-ubyte.gz"), mnist.resolve("train-labels-idx1-ubyte.gz"), 30, 28, 4);
        SyntheticImages.writeIdx(mnist.resolve("t10k-images-idx3-ubyte.gz"), mnist.resolve("t10k-labels-idx1-ubyte.gz"), 9, 28, 5);
        DatasetManifest m = prepare(SourceFormat.MNIST, mnist, tmp.resolve("mnist-shards"), 1 << 20, false);
        assertEquals(new DatasetManifest.Shape(1, 28, 28), m.shape());
        assertEquals(30, m.splits().get("train").records());
        ShardTrainingData digits = ShardTrainingData.open(shards(tmp.resolve("mnist-shards"), 2, "auto", 0, 224), new Configuration());
        assertEquals("1x28x28", digits.shape().toString());
        List<ImageRecord> test = digits.testRecords(sc, 2).collect();
        assertEquals(9, test.size());
        byte[] idx = new java.util.zip.GZIPInputStream(Files.newInputStream(mnist.resolve("t10k-images-idx3-ubyte.gz"))).readAllBytes();
        for (ImageRecord r : test) {
            assertArrayEquals(Arrays.copyOfRange(idx, 16 + 784 * (int) r.id(), 16 + 784 * ((int) r.id() + 1)), r.pixels());
            assertEquals(r.id() % 10, r.label());
        }
    }

    @Test
    void badSourcesAreRefusedNamingFileAndPosition() throws Exception {
        Path src = cifar10();
        byte[] batch2 = Files.readAllBytes(src.resolve("data_batch_2.bin"));
        Files.write(src.resolve("data_batch_2.bin"), Arrays.copyOf(batch2, 3073 * 4 + 100));
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> prepare(SourceFormat.CIFAR10, src, tmp.resolve("o1"), 1 << 20, false));
        assertTrue(e.getMessage().contains("data_batch_2.bin") && e.getMessage().contains("offset " + 3073 * 4), e.getMessage());

        Files.write(src.resolve("data_batch_2.bin"), batch2);
        byte[] test = Files.readAllBytes(src.resolve("test_batch.bin"));
        test[3073 * 2] = 12;
        Files.write(src.resolve("test_batch.bin"), test);
        e = assertThrows(InvalidDataException.class, () -> prepare(SourceFormat.CIFAR10, src, tmp.resolve("o2"), 1 << 20, false));
        assertTrue(e.getMessage().contains("test_batch.bin") && e.getMessage().contains("label 12")
                && e.getMessage().contains("offset " + 3073 * 2), e.getMessage());

        Path mnist = tmp.resolve("mnist");
        SyntheticImages.writeMnistDir(mnist, 20, 10, 1);
        byte[] labels = Files.readAllBytes(mnist.resolve("train-labels-idx1-ubyte"));
        labels[7] = 19; // the label file now says 19 labels for 20 images
        Files.write(mnist.resolve("train-labels-idx1-ubyte"), labels);
        e = assertThrows(InvalidDataException.class, () -> prepare(SourceFormat.MNIST, mnist, tmp.resolve("o3"), 1 << 20, false));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte has 19 labels") && e.getMessage().contains("20 images"),
                e.getMessage());
        labels[7] = 20;
        labels[3] = 3; // magic 0x803: an images magic in a labels file
        Files.write(mnist.resolve("train-labels-idx1-ubyte"), labels);
        e = assertThrows(InvalidDataException.class, () -> prepare(SourceFormat.MNIST, mnist, tmp.resolve("o4"), 1 << 20, false));
        assertTrue(e.getMessage().contains("train-labels-idx1-ubyte") && e.getMessage().contains("magic number at offset 0")
                && e.getMessage().contains("0x00000803"), e.getMessage());
    }

    @Test
    void aShardThatDoesNotMatchTheManifestIsRefused() throws Exception {
        prepare(SourceFormat.CIFAR10, cifar10(), tmp.resolve("out"), 40 * 3100, false);
        Path shard = tmp.resolve("out/train/part-00001.seq");
        byte[] bytes = Files.readAllBytes(shard);
        bytes[bytes.length / 2] ^= 0x55; // same size, one byte changed
        Files.write(shard, bytes);
        ShardTrainingData data = ShardTrainingData.open(shards(tmp.resolve("out"), 0, "false", 0, 224), new Configuration());
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> data.verifyChecksums(sc));
        assertTrue(e.getMessage().contains("train/part-00001.seq") && e.getMessage().contains("SHA-256")
                && e.getMessage().contains("does not match"), e.getMessage());
        assertThrows(InvalidDataException.class, () -> data.trainBatches(sc, 1, 2, 8, 1), "checked before the first epoch");

        Files.write(shard, Arrays.copyOf(bytes, bytes.length - 10));
        e = assertThrows(InvalidDataException.class,
                () -> ShardTrainingData.open(shards(tmp.resolve("out"), 0, "false", 0, 224), new Configuration()));
        assertTrue(e.getMessage().contains("part-00001.seq") && e.getMessage().contains("bytes"), e.getMessage());

        e = assertThrows(InvalidDataException.class,
                () -> ShardTrainingData.open(shards(tmp.resolve("nothing"), 0, "false", 0, 224), new Configuration()));
        assertTrue(e.getMessage().contains("dataset.json") && e.getMessage().contains("prepare-data"), e.getMessage());
    }

    @Test
    void evenRangesDifferByAtMostOne() {
        for (int n = 1; n <= 40; n++) {
            for (int parts = 1; parts <= 9; parts++) {
                int[] size = new int[parts];
                int last = 0;
                for (long pos = 0; pos < n; pos++) {
                    int p = EvenRangePartitioner.partitionOf(pos, n, parts);
                    assertTrue(p >= last && p < parts);
                    last = p;
                    size[p]++;
                }
                int min = Arrays.stream(size).min().orElseThrow();
                int max = Arrays.stream(size).max().orElseThrow();
                assertTrue(max - min <= 1, n + " over " + parts + ": " + Arrays.toString(size));
            }
        }
    }
}
