package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.SyntheticImages;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad usage, configuration and input data exit with 2 and a message naming the problem, before Spark starts. */
class CliErrorsTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedErr;

    @BeforeEach
    void captureStderr() {
        savedErr = System.err;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restoreStderr() {
        System.setErr(savedErr);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private int train(String... overrides) {
        String[] args = new String[overrides.length + 2];
        args[0] = "train";
        args[1] = "run.dir=" + tmp.resolve("runs");
        System.arraycopy(overrides, 0, args, 2, overrides.length);
        return ConvoyCli.execute(args);
    }

    @Test
    void missingDataPath() {
        assertEquals(2, train("data.format=mnist", "data.path=" + tmp.resolve("nowhere")));
        assertTrue(stderr().contains("data.path") && stderr().contains("nowhere") && stderr().contains("does not exist"), stderr());
        assertTrue(!Files.exists(tmp.resolve("runs")), "no run directory for a run that could not start");
    }

    @Test
    void idxFileWithWrongMagic() throws Exception {
        Path dir = tmp.resolve("mnist");
        SyntheticImages.writeMnistDir(dir, 20, 10, 1);
        byte[] bytes = Files.readAllBytes(dir.resolve("train-images-idx3-ubyte"));
        bytes[3] = 0x07;
        Files.write(dir.resolve("train-images-idx3-ubyte"), bytes);
        assertEquals(2, train("data.format=mnist", "data.path=" + dir));
        assertTrue(stderr().contains("train-images-idx3-ubyte") && stderr().contains("magic number"), stderr());
    }

    @Test
    void cifarFileNotAMultipleOfTheRecordSize() throws Exception {
        Path dir = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(dir, 1, 5, 3, 1);
        byte[] bytes = Files.readAllBytes(dir.resolve("data_batch_1.bin"));
        Files.write(dir.resolve("data_batch_1.bin"), Arrays.copyOf(bytes, bytes.length - 1000));
        assertEquals(2, train("data.format=cifar10", "data.path=" + dir));
        assertTrue(stderr().contains("data_batch_1.bin") && stderr().contains("3073")
                && stderr().contains("offset " + 4 * 3073), stderr());
    }

    @Test
    void aValueOfTheWrongTypeNamesKeyValueOriginAndTheTypeExpected() throws Exception {
        assertEquals(2, train("data.path=/x", "train.batch-size-per-worker=sixty"));
        assertTrue(stderr().contains("train.batch-size-per-worker = \"sixty\" (from the command line)")
                && stderr().contains("expected a number, got a string") && !stderr().contains("rather than"), stderr());
        Path conf = tmp.resolve("bad.conf");
        Files.writeString(conf, "train {\n  epochs = 2\n  averaging.frequency = [5]\n}\n");
        assertEquals(2, ConvoyCli.execute("train", conf.toString(), "data.path=/x", "run.dir=" + tmp.resolve("runs")));
        assertTrue(stderr().contains("train.averaging.frequency = [5]") && stderr().contains("bad.conf: 3")
                && stderr().contains("expected a number, got a list"), stderr());
    }

    @Test
    void unknownModelListsValidNames() {
        assertEquals(2, train("data.path=/x", "model.name=vgg16"));
        assertTrue(stderr().contains("vgg16") && stderr().contains("resnet20") && stderr().contains("resnet56"), stderr());
    }

    @Test
    void resnetDepthNotSixNPlusTwo() {
        assertEquals(2, train("data.path=/x", "model.name=resnet21"));
        assertTrue(stderr().contains("6n+2") && stderr().contains("21"), stderr());
    }

    @Test
    void badValuesNameTheKey() {
        assertEquals(2, train("data.path=/x", "train.epochs=0"));
        assertTrue(stderr().contains("train.epochs"), stderr());
        assertEquals(2, train("data.path=/x", "train.sync=gossip"));
        assertTrue(stderr().contains("train.sync") && stderr().contains("gossip") && stderr().contains("averaging, sharing"), stderr());
        assertEquals(2, train("data.path=/x", "train.epochz=3"));
        assertTrue(stderr().contains("train.epochz"), stderr());
        assertEquals(2, ConvoyCli.execute("train", tmp.resolve("missing.conf").toString()));
        assertTrue(stderr().contains("missing.conf"), stderr());
    }

    @Test
    void usageErrorsAndHelp() {
        assertEquals(2, ConvoyCli.execute("fly"));
        assertEquals(2, ConvoyCli.execute("evaluate"), "--run is required");
        assertEquals(0, ConvoyCli.execute("--help"));
        assertEquals(2, ConvoyCli.execute("evaluate", "--run", tmp.toString()));
        assertTrue(stderr().contains("config.conf"), "not a run directory: " + stderr());
    }
}
