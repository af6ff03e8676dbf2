package io.convoy.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.data.prepare.PrepareData;
import io.convoy.driver.data.prepare.PrepareSettings;
import io.convoy.driver.data.prepare.SourceFormat;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.TestImages;
import io.convoy.worker.data.shard.RecordEncoding;
import io.convoy.worker.data.shard.ShardFormat;
import io.convoy.worker.data.shard.ShardSummary;
import io.convoy.worker.data.shard.ShardWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/**
 * An ImageNet-style tree with the real quirks (CMYK JPEG, greyscale JPEG, PNG under a .JPEG name, stray
 * files) through prepare-data on Spark, shards, and the executors' crops. Every image has one colour,
 * so every crop of it has that colour and decoded pixels are checked exactly (PNG) or to within JPEG's
 * rounding.
 */
class ImageFolderPipelineTest {
    static JavaSparkContext sc;

    @TempDir
    Path tmp;

    @BeforeAll
    static void startSpark() {
        sc = SparkContexts.create(new SparkSettings("local[2]", "image-folder-test", Map.of("spark.ui.enabled", "false")));
    }

    @AfterAll
    static void stopSpark() {
        sc.close();
    }

    /** An image of the tree: its file, class, colour, size and how close decoding must come. */
    record Source(String file, int label, int r, int g, int b, int h, int w, int tolerance) {
    }

    private static final List<Source> TRAIN = List.of(
            new Source("train/n01/a_rgb.JPEG", 0, 200, 30, 60, 30, 40, 2),
            new Source("train/n01/b_grey.JPEG", 0, 90, 90, 90, 24, 24, 1),
            new Source("train/n02/c_cmyk.JPEG", 1, 0, 255, 255, 20, 36, 3),
            new Source("train/n02/d_png_named.JPEG", 1, 10, 220, 30, 33, 21, 0),
            new Source("train/n03/e.png", 2, 250, 250, 5, 40, 28, 0),
            new Source("train/n03/f.jpg", 2, 20, 40, 180, 28, 44, 2));
    private static final List<Source> VAL = List.of(
            new Source("val/ILSVRC2012_val_00000001.JPEG", 2, 120, 10, 200, 32, 32, 2),
            new Source("val/ILSVRC2012_val_00000002.JPEG", 0, 5, 5, 5, 26, 30, 0),
            new Source("val/ILSVRC2012_val_00000003.JPEG", 1, 255, 128, 0, 30, 22, 0));

    private Path tree() throws Exception {
        Path root = tmp.resolve("imagenet");
        for (Source s : TRAIN) {
            write(root, s);
        }
        for (Source s : VAL) {
            write(root, s);
        }
        Files.writeString(root.resolve("train/n03/README.txt"), "not an image");
        Files.writeString(root.resolve("val/notes.md"), "not an image either");
        Files.writeString(root.resolve("LOC_val_solution.csv"), "ImageId,PredictionString\n"
                + "ILSVRC2012_val_00000002,n01 1 2 3 4 n01 5 6 7 8\n"
                + "ILSVRC2012_val_00000001,n03 1 2 3 4\n"
                + "ILSVRC2012_val_00000003,n02 0 0 10 10\n");
        return root;
    }

    private static void write(Path root, Source s) throws Exception {
        Path p = root.resolve(s.file());
        Files.createDirectories(p.getParent());
        byte[] bytes;
        if (s.file().contains("grey")) {
            bytes = TestImages.jpeg(TestImages.solidGrey(s.w(), s.h(), s.r()));
        } else if (s.file().contains("cmyk")) {
            bytes = TestImages.cmykJpeg(s.w(), s.h(), 255, 0, 0, 0); // cyan ink: RGB (0, 255, 255)
        } else if (s.file().endsWith(".png") || s.file().contains("png_named") || s.tolerance() == 0) {
            bytes = TestImages.png(TestImages.solid(s.w(), s.h(), s.r(), s.g(), s.b()));
        } else {
            bytes = TestImages.jpeg(TestImages.solid(s.w(), s.h(), s.r(), s.g(), s.b()));
        }
        Files.write(p, bytes);
    }

    private DatasetManifest prepare(Path root, Path out, long shardBytes, int maxBad) throws Exception {
        return new PrepareData(new PrepareSettings(SourceFormat.FOLDERS, root.toString(), out.toString(), shardBytes,
                false, null, null, maxBad, false), new Configuration()).run(() -> sc);
    }

    @Test
    void imageTreeToShardsToCroppedMinibatches() throws Exception {
        Path root = tree();
        DatasetManifest m = prepare(root, tmp.resolve("out"), 700, 0);
        assertEquals(List.of("n01", "n02", "n03"), m.classes());
        assertEquals("image-file", m.encoding());
        assertEquals(6, m.splits().get("train").records());
        assertEquals(3, m.splits().get("test").records());
        assertTrue(m.splits().get("train").shards().size() >= 3, "small shards: " + m.splits().get("train").shards());
        assertTrue(m.skipped().stream().anyMatch(s -> s.contains("README.txt")), m.skipped().toString());
        assertTrue(m.skipped().stream().anyMatch(s -> s.contains("notes.md")), m.skipped().toString());
        // the channel means weigh each image by its pixels
        double[] sum = new double[3];
        double pixels = 0;
        for (Source s : TRAIN) {
            int n = s.h() * s.w();
            sum[0] += s.r() * n;
            sum[1] += s.g() * n;
            sum[2] += s.b() * n;
            pixels += n;
        }
        for (int c = 0; c < 3; c++) {
            assertEquals(sum[c] / pixels / 255, m.mean()[c], 2.0 / 255, "mean of channel " + c);
        }
        assertEquals(m.toJson(), prepare(root, tmp.resolve("again"), 700, 0).toJson(), "deterministic");

        ShardTrainingData data = ShardTrainingData.open(ShardPipelineTest.shards(tmp.resolve("out"), 4, "auto", 0, 12),
                new Configuration());
        assertEquals("3x12x12", data.shape().toString());

        // evaluation crops: 12x12, the image's colour everywhere, the label from the CSV
        List<ImageRecord> test = data.testRecords(sc, 2).collect();
        assertEquals(3, test.size());
        for (ImageRecord r : test) {
            Source s = VAL.get((int) r.id());
            assertEquals(s.label(), r.label(), s.file());
            assertEquals(3 * 12 * 12, r.pixels().length);
            assertColour(r.pixels(), s, s.file());
        }

        // training minibatches: random-resized crops of one-colour images are that colour, normalised by the manifest
        Normalization norm = data.normalization();
        List<String> seen = new ArrayList<>();
        for (DataSet batch : data.trainBatches(sc, 1, 2, 2, 42).collect()) {
            float[] f = batch.getFeatures().data().asFloat();
            for (int i = 0; i < batch.getFeatures().size(0); i++) {
                int label = batch.getLabels().getRow(i).argMax().getInt(0);
                byte[] px = new byte[3 * 144];
                for (int j = 0; j < px.length; j++) {
                    int c = j / 144;
                    px[j] = (byte) Math.round((f[i * 432 + j] * norm.std()[c] + norm.mean()[c]) * 255);
                }
                Source match = TRAIN.stream().filter(s -> s.label() == label && matches(px, s)).findFirst()
                        .orElseThrow(() -> new AssertionError("row with label " + label + " matches no source image"));
                seen.add(match.file());
            }
        }
        assertEquals(TRAIN.stream().map(Source::file).sorted().toList(), seen.stream().sorted().toList());
    }

    private static boolean matches(byte[] px, Source s) {
        try {
            assertColour(px, s, s.file());
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    private static void assertColour(byte[] chw, Source s, String what) {
        int plane = chw.length / 3;
        int[] want = {s.r(), s.g(), s.b()};
        for (int i = 0; i < chw.length; i++) {
            int v = chw[i] & 0xff;
            if (Math.abs(v - want[i / plane]) > s.tolerance() + 1) {
                throw new AssertionError(what + ": channel " + i / plane + " pixel " + i % plane + " is " + v
                        + ", expected " + want[i / plane]);
            }
        }
    }

    @Test
    void classFolderValidationAndBadTrees() throws Exception {
        Path root = tree();
        // validation as class folders instead of a flat folder
        Path val2 = tmp.resolve("val2");
        Files.createDirectories(val2.resolve("n02"));
        Files.write(val2.resolve("n02/x.JPEG"), TestImages.png(TestImages.solid(8, 8, 1, 2, 3)));
        DatasetManifest m = new PrepareData(new PrepareSettings(SourceFormat.FOLDERS, root.toString(),
                tmp.resolve("o1").toString(), 1 << 20, false, val2.toString(), null, 0, false), new Configuration()).run(() -> sc);
        assertEquals(1, m.splits().get("test").records());

        Files.writeString(root.resolve("LOC_val_solution.csv"), "ImageId,PredictionString\nILSVRC2012_val_00000001,n99 1 2 3 4\n");
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> prepare(root, tmp.resolve("o2"), 1 << 20, 0));
        assertTrue(e.getMessage().contains("LOC_val_solution.csv line 2") && e.getMessage().contains("n99"), e.getMessage());

        Files.createDirectories(root.resolve("train/n04"));
        Files.writeString(root.resolve("train/n04/readme.txt"), "no images here");
        e = assertThrows(InvalidDataException.class, () -> prepare(root, tmp.resolve("o3"), 1 << 20, 0));
        assertTrue(e.getMessage().contains("empty class folder") && e.getMessage().contains("train/n04"), e.getMessage());
        Files.delete(root.resolve("train/n04/readme.txt"));
        Files.delete(root.resolve("train/n04"));

        // an unreadable image is skipped and named, within --max-bad-records
        Files.write(root.resolve("train/n01/z_broken.JPEG"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, 1, 2, 3});
        Files.writeString(root.resolve("LOC_val_solution.csv"), "ImageId,PredictionString\n"
                + "ILSVRC2012_val_00000001,n03\nILSVRC2012_val_00000002,n01\nILSVRC2012_val_00000003,n02\n");
        DatasetManifest skipped = prepare(root, tmp.resolve("o4"), 1 << 20, 1);
        assertEquals(6, skipped.splits().get("train").records());
        assertTrue(skipped.skipped().stream().anyMatch(s -> s.contains("z_broken.JPEG")), skipped.skipped().toString());
        e = assertThrows(InvalidDataException.class, () -> prepare(root, tmp.resolve("o5"), 1 << 20, 0));
        assertTrue(e.getMessage().contains("z_broken.JPEG") && e.getMessage().contains("max-bad-records"), e.getMessage());
    }

    @Test
    void corruptRecordsAreSkippedWithinTheBudgetAndFailTheRunBeyondIt() throws Exception {
        // a hand-written image dataset: 6 good PNG records and 2 corrupt ones in one shard
        Path dir = tmp.resolve("corrupt");
        Files.createDirectories(dir.resolve("train"));
        Files.createDirectories(dir.resolve("test"));
        List<ShardWriter.Entry> entries = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            byte[] payload = i == 2 || i == 5 ? ("broken " + i).getBytes()
                    : TestImages.png(TestImages.solid(10, 10, 20 * i, 0, 0));
            entries.add(new ShardWriter.Entry(i, i % 2, payload));
        }
        Configuration conf = new Configuration();
        ShardSummary train = ShardWriter.write(entries, new org.apache.hadoop.fs.Path(dir.resolve("train/part-00000.seq").toUri()),
                "train/part-00000.seq", conf);
        ShardSummary test = ShardWriter.write(entries.subList(0, 2),
                new org.apache.hadoop.fs.Path(dir.resolve("test/part-00000.seq").toUri()), "test/part-00000.seq", conf);
        DatasetManifest m = new DatasetManifest(DatasetManifest.FORMAT, DatasetManifest.VERSION, "folders",
                RecordEncoding.IMAGE.manifestName(), DatasetManifest.RECORD_LAYOUT, List.of("a", "b"),
                new DatasetManifest.Shape(3, 0, 0), new double[] {0.5, 0.5, 0.5}, new double[] {0.25, 0.25, 0.25},
                Map.of("train", new DatasetManifest.Split(8, List.of(new DatasetManifest.Shard("train/" + ShardFormat.fileName(0),
                                8, train.bytes(), train.sha256()))),
                        "test", new DatasetManifest.Split(2, List.of(new DatasetManifest.Shard("test/" + ShardFormat.fileName(0),
                                2, test.bytes(), test.sha256())))), List.of());
        Files.writeString(dir.resolve("dataset.json"), m.toJson());

        ShardTrainingData tolerant = ShardTrainingData.open(ShardPipelineTest.shards(dir, 0, "auto", 2, 8), conf);
        long rows = tolerant.trainBatches(sc, 1, 2, 3, 7).collect().stream().mapToLong(d -> d.getFeatures().size(0)).sum();
        assertEquals(6, rows, "the two corrupt records skipped");
        tolerant.afterEpoch(1);

        // one allowed: with both records in one task the task stops; spread over tasks, the driver's check does
        ShardTrainingData strict = ShardTrainingData.open(ShardPipelineTest.shards(dir, 0, "auto", 1, 8), conf);
        Exception inTask = assertThrows(Exception.class, () -> strict.trainBatches(sc, 1, 1, 3, 7).collect());
        assertTrue(messages(inTask).contains("more than data.max-bad-records = 1")
                && messages(inTask).contains("train/part-00000.seq record id"), messages(inTask));
        long count = 0;
        for (int epoch = 1; epoch < 20 && count == 0; epoch++) {
            // find an epoch whose permutation puts the two corrupt records into different partitions
            List<List<Long>> parts = strict.assign(sc, epoch, 2, 7).glom().collect().stream()
                    .map(p -> p.stream().map(r -> r.id()).toList()).toList();
            if (parts.stream().noneMatch(p -> p.contains(2L) && p.contains(5L))) {
                strict.trainBatches(sc, epoch, 2, 3, 7).collect();
                InvalidDataException e = assertThrows(InvalidDataException.class, () -> strict.afterEpoch(0));
                assertTrue(e.getMessage().contains("2 corrupt training records") && e.getMessage().contains("record id"),
                        e.getMessage());
                count++;
                break;
            }
        }
        assertEquals(1, count, "an epoch with the corrupt records in different partitions was found");
    }

    private static String messages(Throwable t) {
        StringBuilder s = new StringBuilder();
        for (; t != null; t = t.getCause()) {
            s.append(t.getMessage()).append('\n');
        }
        return s.toString();
    }
}
