package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.SyntheticImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `convoy prepare-data` then `convoy train ... data.format=shards`, as the README shows it. */
class CliPrepareDataTest {
    @TempDir
    Path tmp;

    @Test
    void prepareCifarThenTrainFromTheShards() throws Exception {
        Path src = tmp.resolve("cifar-10-batches-bin");
        SyntheticImages.writeCifar10Dir(src, 5, 40, 33, 3);
        Path shards = tmp.resolve("cifar10-shards");
        String out = capture(true, () -> assertEquals(0, ConvoyCli.execute("prepare-data", "--source", "cifar10",
                "--input", src.toString(), "--output", shards.toUri().toString(), "--shard-size", "64KB")));
        assertTrue(out.contains("200 train / 33 test records in 10 / 2 shards"), out);
        assertTrue(Files.isRegularFile(shards.resolve("dataset.json")));

        String train = capture(true, () -> assertEquals(0, ConvoyCli.execute("train", "data.format=shards",
                "data.path=" + shards, "model.name=resnet8", "train.epochs=1", "train.workers=2",
                "train.batch-size-per-worker=25", "run.dir=" + tmp.resolve("runs"), "spark.master=local[2]",
                "spark.conf.spark.ui.enabled=false")));
        assertTrue(train.contains("test: 33 records"), train);
        java.util.regex.Matcher top1 = java.util.regex.Pattern.compile("top-1 error ([0-9.]+)%").matcher(train);
        assertTrue(top1.find(), train);

        // evaluate reads the test split from the same shards and reproduces training's number
        java.nio.file.Path runDir;
        try (java.util.stream.Stream<java.nio.file.Path> dirs = Files.list(tmp.resolve("runs"))) {
            runDir = dirs.findFirst().orElseThrow();
        }
        String eval = capture(true, () -> assertEquals(0, ConvoyCli.execute("evaluate", "--run", runDir.toString(),
                "spark.master=local[2]", "spark.conf.spark.ui.enabled=false")));
        assertTrue(eval.contains("33 records") && eval.contains("top-1 error " + top1.group(1) + "%"), eval);

        // a second run into the same directory is refused unless asked to overwrite
        String err = capture(false, () -> assertEquals(2, ConvoyCli.execute("prepare-data", "--source", "cifar10",
                "--input", src.toString(), "--output", shards.toString())));
        assertTrue(err.contains("not empty") && err.contains("--overwrite"), err);
        assertEquals(0, ConvoyCli.execute("prepare-data", "--source", "cifar10", "--input", src.toString(),
                "--output", shards.toString(), "--shard-size", "64KB", "--overwrite"));
    }

    @Test
    void badArgumentsExitWithTwo() {
        String err = capture(false, () -> assertEquals(2, ConvoyCli.execute("prepare-data", "--source", "svhn",
                "--input", tmp.toString(), "--output", tmp.resolve("o").toString())));
        assertTrue(err.contains("svhn") && err.contains("cifar10, cifar100, mnist, folders"), err);
        err = capture(false, () -> assertEquals(2, ConvoyCli.execute("prepare-data", "--source", "cifar10",
                "--input", tmp.toString(), "--output", tmp.resolve("o").toString(), "--shard-size", "lots")));
        assertTrue(err.contains("--shard-size lots"), err);
        err = capture(false, () -> assertEquals(2, ConvoyCli.execute("prepare-data", "--source", "mnist",
                "--input", tmp.resolve("missing").toString(), "--output", tmp.resolve("o").toString())));
        assertTrue(err.contains("missing") && err.contains("does not exist"), err);
        assertEquals(256L << 20, PrepareDataCommand.parseSize("256MB"));
        assertEquals(64L << 10, PrepareDataCommand.parseSize("64kb"));
    }

    private static String capture(boolean stdout, Runnable r) {
        PrintStream saved = stdout ? System.out : System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8);
        if (stdout) {
            System.setOut(p);
        } else {
            System.setErr(p);
        }
        try {
            r.run();
        } finally {
            if (stdout) {
                System.setOut(saved);
            } else {
                System.setErr(saved);
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }
}
