package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.convoy.worker.data.SyntheticImages;
import io.convoy.worker.data.TestImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `convoy predict` on one tiny training run: on the test split its predictions agree with `convoy evaluate`'s
 * counts; one image prints to stdout; unreadable images are named and skipped up to --max-bad, then the run fails
 * (exit 1); a data set with another class count is refused (exit 2).
 */
class CliPredictTest {
    private static final String[] SPARK = {"spark.master=local[2]", "spark.conf.spark.ui.enabled=false"};

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {
    }

    private static Run cli(String... args) {
        PrintStream savedOut = System.out;
        PrintStream savedErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int code;
        try {
            code = ConvoyCli.execute(args);
        } finally {
            System.setOut(savedOut);
            System.setErr(savedErr);
        }
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String[] with(String[] a, String... b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static List<CSVRecord> csv(Path dir) throws Exception {
        List<Path> parts;
        try (Stream<Path> files = Files.list(dir)) {
            parts = files.filter(p -> p.getFileName().toString().startsWith("part-")).toList();
        }
        assertEquals(1, parts.size(), "one CSV file: " + parts);
        try (Reader r = Files.newBufferedReader(parts.get(0));
             CSVParser p = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).build().parse(r)) {
            assertEquals(List.of("input", "true_class", "class_1", "probability_1", "class_2", "probability_2", "class_3",
                    "probability_3", "class_4", "probability_4", "class_5", "probability_5"), p.getHeaderNames());
            return new ArrayList<>(p.getRecords());
        }
    }

    private static boolean inTop(CSVRecord r, int n) {
        for (int j = 1; j <= n; j++) {
            if (r.get("class_" + j).equals(r.get("true_class"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void helpDescribesPredict() throws Exception {
        Run top = cli("--help");
        assertEquals(0, top.code());
        assertTrue(top.out().lines().anyMatch(l -> l.strip().startsWith("predict ")), top.out());
        Run help = cli("predict", "--help");
        assertEquals(0, help.code());
        Files.writeString(tmp.resolve("predict-help.txt"), help.out());
        System.err.println(help.out()); // shown in the surefire report
        for (String option : List.of("--run=DIR", "--checkpoint=latest|best|epoch-N", "--output=OUT", "--top-k=K",
                "--max-bad=N", "--tta=centre|flip|ten-crop", "--input-size=HxW", "INPUT | KEY=VALUE")) {
            assertTrue(help.out().contains(option), option + " in\n" + help.out());
        }
        assertTrue(help.out().contains("Exit codes: 0 done, 1 failed"), help.out());
        // evaluate keeps its view options (declared once, for both commands)
        Run eval = cli("evaluate", "--help");
        assertTrue(eval.out().contains("--tta=centre|flip|ten-crop") && eval.out().contains("--input-size=HxW"), eval.out());
    }

    @Test
    void predictAgreesWithEvaluateAndSkipsBadImagesWithinTheBound() throws Exception {
        Path data = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(data, 5, 40, 53, 4); // all five batches, as prepare-data wants them
        Path runs = tmp.resolve("runs");
        assertEquals(0, cli(with(new String[] {"train", "data.format=cifar10", "data.path=" + data, "run.dir=" + runs,
                "model.name=resnet8", "train.epochs=1", "train.batch-size-per-worker=25", "train.workers=2",
                "train.optimizer.lr=0.05"}, SPARK)).code());
        Path run;
        try (Stream<Path> dirs = Files.list(runs)) {
            run = dirs.findFirst().orElseThrow();
        }
        String r = run.toString();

        // the test split: the same counts as evaluate
        Run eval = cli(with(new String[] {"evaluate", "--run", r, "--checkpoint", "latest"}, SPARK));
        assertEquals(0, eval.code(), eval.out() + eval.err());
        JsonNode e = new ObjectMapper().readTree(run.resolve("eval-epoch-0001.json").toFile());
        Path out = tmp.resolve("out");
        Run predict = cli(with(new String[] {"predict", "--run", r, data.toString(), "--output", out.toString()}, SPARK));
        assertEquals(0, predict.code(), predict.out() + predict.err());
        assertTrue(predict.out().startsWith("checkpoints/epoch-0001.zip (epoch 1): 53 predictions -> "), predict.out());
        List<CSVRecord> rows = csv(out.resolve("predictions.csv"));
        assertEquals(53, rows.size());
        long top1 = rows.stream().filter(x -> inTop(x, 1)).count();
        long top5 = rows.stream().filter(x -> inTop(x, 5)).count();
        assertEquals(Math.round(53 * (1 - e.get("top1_error").asDouble())), top1, "top-1 right, as evaluate counted");
        assertEquals(Math.round(53 * (1 - e.get("top5_error").asDouble())), top5, "top-5 right, as evaluate counted");
        CSVRecord first = rows.get(0);
        assertTrue(first.get("input").endsWith("cifar#test/0"), first.get("input"));
        double p1 = Double.parseDouble(first.get("probability_1"));
        double p2 = Double.parseDouble(first.get("probability_2"));
        assertTrue(p1 >= p2 && p2 >= 0 && p1 <= 1, first.toString());
        assertTrue(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck")
                .contains(first.get("class_1")), "classes by name: " + first);
        // the Parquet copy holds the same predictions
        SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
        try {
            List<Row> parquet = spark.read().parquet(out.resolve("predictions.parquet").toString()).collectAsList();
            assertEquals(53, parquet.size());
            assertEquals(top1, parquet.stream().filter(x -> x.getAs("class_1").equals(x.getAs("true_class"))).count());
        } finally {
            spark.stop();
        }
        // the same split as prepared shards: the same predictions
        Path shards = tmp.resolve("shards");
        Run prepared = cli("prepare-data", "--source", "cifar10", "--input", data.toString(), "--output", shards.toString(),
                "--master", "local[2]");
        assertEquals(0, prepared.code(), prepared.out() + prepared.err());
        Path outShards = tmp.resolve("out-shards");
        Run fromShards = cli(with(new String[] {"predict", "--run", r, shards.toString(), "--output", outShards.toString()}, SPARK));
        assertEquals(0, fromShards.code(), fromShards.out() + fromShards.err());
        List<CSVRecord> shardRows = csv(outShards.resolve("predictions.csv"));
        assertEquals(53, shardRows.size());
        assertTrue(shardRows.get(0).get("input").endsWith("shards#test/0"), shardRows.get(0).get("input"));
        assertEquals(top1, shardRows.stream().filter(x -> inTop(x, 1)).count());
        assertEquals(rows.stream().map(x -> x.get("class_1")).toList(), shardRows.stream().map(x -> x.get("class_1")).toList(),
                "record by record the same top class");

        // the output is never overwritten
        Run again = cli(with(new String[] {"predict", "--run", r, data.toString(), "--output", out.toString()}, SPARK));
        assertEquals(2, again.code());
        assertTrue(again.err().contains("predictions.csv exists already"), again.err());

        // one image: its prediction on stdout
        Path photo = tmp.resolve("photo.png");
        Files.write(photo, TestImages.png(TestImages.solid(40, 30, 200, 40, 40)));
        Run single = cli(with(new String[] {"predict", "--run", r, "--top-k", "3", photo.toString()}, SPARK));
        assertEquals(0, single.code(), single.out() + single.err());
        assertEquals(1, single.out().strip().lines().count(), single.out());
        assertTrue(single.out().matches("(?s)\\S*photo\\.png: \\w+ \\d+\\.\\d\\d%, \\w+ \\d+\\.\\d\\d%, \\w+ \\d+\\.\\d\\d%\\s*"),
                single.out());

        // one image that is no image: named, and the run fails
        Path fake = tmp.resolve("fake.png");
        Files.writeString(fake, "GIF89a, not really");
        Run unreadable = cli(with(new String[] {"predict", "--run", r, fake.toString()}, SPARK));
        assertEquals(1, unreadable.code(), unreadable.out() + unreadable.err());
        assertTrue(unreadable.err().contains("no input could be read: ") && unreadable.err().contains("fake.png: "),
                unreadable.err());

        // a folder with two images and three bad files: named and skipped within the bound, fatal beyond it
        Path folder = tmp.resolve("incoming/day1");
        Files.createDirectories(folder);
        Files.write(folder.resolve("a.png"), TestImages.png(TestImages.solidGrey(64, 48, 90)));
        Files.write(folder.resolve("b.jpg"), TestImages.jpeg(TestImages.solid(20, 20, 10, 200, 10)));
        Files.writeString(folder.resolve("notes.jpg"), "not an image");
        Files.write(folder.resolve("empty.png"), new byte[0]);
        byte[] png = TestImages.png(TestImages.solid(30, 30, 1, 2, 3));
        Files.write(folder.resolve("cut.png"), Arrays.copyOf(png, 40));
        Files.writeString(folder.resolve("README.txt"), "left out: not an image name");
        Path out2 = tmp.resolve("out2");
        Run skipping = cli(with(new String[] {"predict", "--run", r, tmp.resolve("incoming").toString(), "--output",
                out2.toString(), "--max-bad", "3"}, SPARK));
        assertEquals(0, skipping.code(), skipping.out() + skipping.err());
        assertTrue(skipping.out().contains(": 2 predictions; skipped 3 unreadable: "), skipping.out());
        for (String bad : List.of("notes.jpg", "empty.png", "cut.png")) {
            assertTrue(skipping.out().contains(bad + ": "), bad + " named in " + skipping.out());
        }
        List<CSVRecord> images = csv(out2.resolve("predictions.csv"));
        assertEquals(List.of("a.png", "b.jpg"), images.stream().map(x -> Path.of(x.get("input").replace("file:", "")).getFileName()
                .toString()).toList());
        assertTrue(images.stream().allMatch(x -> x.get("true_class").isEmpty()), "image files carry no label");
        Run failing = cli(with(new String[] {"predict", "--run", r, tmp.resolve("incoming").toString(), "--output",
                tmp.resolve("out3").toString(), "--max-bad", "1"}, SPARK));
        assertEquals(1, failing.code(), failing.out() + failing.err());
        assertTrue(failing.err().contains("more than --max-bad = 1"), failing.err());
        assertTrue(failing.err().contains("notes.jpg") || failing.err().contains("empty.png") || failing.err().contains("cut.png"),
                failing.err());
        assertFalse(Files.exists(tmp.resolve("out3/predictions.csv")), "nothing written by a failed run");

        // another data set's class count: refused before Spark starts
        Path cifar100 = tmp.resolve("cifar-100-binary");
        Files.createDirectories(cifar100);
        Files.write(cifar100.resolve("test.bin"), SyntheticImages.cifar100Bytes(20, 5));
        Run other = cli(with(new String[] {"predict", "--run", r, cifar100.resolve("test.bin").toString(), "--output",
                tmp.resolve("out4").toString()}, SPARK));
        assertEquals(2, other.code(), other.out() + other.err());
        assertTrue(other.err().contains("has 100 classes") && other.err().contains("predicts 10"), other.err());

        // an IDX file of digits for a checkpoint of colour images: refused naming both shapes
        Path digits = tmp.resolve("digits");
        SyntheticImages.writeMnistDir(digits, 10, 10, 3);
        Run idx = cli(with(new String[] {"predict", "--run", r, digits.resolve("t10k-images-idx3-ubyte").toString(), "--output",
                tmp.resolve("out5").toString()}, SPARK));
        assertEquals(2, idx.code(), idx.out() + idx.err());
        assertTrue(idx.err().contains("holds 1x28x28 images") && idx.err().contains("takes 3x32x32"), idx.err());

        // bad usage
        assertEquals(2, cli("predict", "--run", r, data.toString()).code(), "--output needed for a data set");
        assertEquals(2, cli("predict", "--run", r, tmp.resolve("missing.png").toString()).code());
        assertEquals(2, cli("predict", "--run", r, "--checkpoint", "epoch-9", photo.toString()).code());
        assertEquals(2, cli("predict", "--run", r, "--tta", "five-crop", photo.toString()).code());
    }
}
