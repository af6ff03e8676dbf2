package io.convoy.worker.data;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.zip.GZIPOutputStream;

/**
 * Small generated datasets for tests, written in the real file formats. Ten classes of stripes:
 * horizontal or vertical, with period 2..6 pixels and a random phase, plus noise. Every class
 * survives a horizontal flip and a small shift, so the CIFAR augmentation keeps labels right,
 * and a small convnet learns them in a few hundred steps.
 */
public final class SyntheticImages {
    public static final int CLASSES = 10;

    private SyntheticImages() {
    }

    public static byte[] image(int label, int channels, int height, int width, Random rng) {
        boolean vertical = label >= 5;
        int period = 2 + label % 5;
        int phase = rng.nextInt(period);
        byte[] px = new byte[channels * height * width];
        for (int c = 0; c < channels; c++) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    int t = (vertical ? x : y) + phase;
                    boolean on = (t % period) < (period + 1) / 2;
                    int v = (on ? 190 : 60) + (int) (rng.nextGaussian() * 25);
                    px[c * height * width + y * width + x] = (byte) Math.max(0, Math.min(255, v));
                }
            }
        }
        return px;
    }

    /** Writes an IDX image file and label file pair; gzip when the names end in .gz. */
    public static void writeIdx(Path images, Path labels, int count, int size, long seed) throws IOException {
        Random rng = new Random(seed);
        try (DataOutputStream img = new DataOutputStream(open(images));
             DataOutputStream lab = new DataOutputStream(open(labels))) {
            img.writeInt(2051);
            img.writeInt(count);
            img.writeInt(size);
            img.writeInt(size);
            lab.writeInt(2049);
            lab.writeInt(count);
            for (int i = 0; i < count; i++) {
                int label = i % CLASSES;
                img.write(image(label, 1, size, size, rng));
                lab.write(label);
            }
        }
    }

    /** Writes MNIST's four files into {@code dir} under their usual names. */
    public static void writeMnistDir(Path dir, int trainCount, int testCount, long seed) throws IOException {
        Files.createDirectories(dir);
        writeIdx(dir.resolve("train-images-idx3-ubyte"), dir.resolve("train-labels-idx1-ubyte"), trainCount, 28, seed);
        writeIdx(dir.resolve("t10k-images-idx3-ubyte"), dir.resolve("t10k-labels-idx1-ubyte"), testCount, 28, seed + 1);
    }

    /** CIFAR-10 binary records (label byte + 3x32x32 pixels). */
    public static byte[] cifar10Bytes(int count, long seed) {
        Random rng = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int label = (i * 7) % CLASSES;
            out.write(label);
            out.writeBytes(image(label, 3, 32, 32, rng));
        }
        return out.toByteArray();
    }

    /** CIFAR-100 binary records: coarse label byte (0-19), fine label byte (0-99), 3x32x32 pixels. */
    public static byte[] cifar100Bytes(int count, long seed) {
        Random rng = new Random(seed);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int fine = (i * 37) % 100;
            out.write(fine / 5);
            out.write(fine);
            out.writeBytes(image(fine % CLASSES, 3, 32, 32, rng));
        }
        return out.toByteArray();
    }

    /** Writes a CIFAR-10 directory: data_batch_1..batches and test_batch.bin. */
    public static void writeCifar10Dir(Path dir, int batches, int perBatch, int testCount, long seed) throws IOException {
        Files.createDirectories(dir);
        for (int b = 1; b <= batches; b++) {
            Files.write(dir.resolve("data_batch_" + b + ".bin"), cifar10Bytes(perBatch, seed + b));
        }
        Files.write(dir.resolve("test_batch.bin"), cifar10Bytes(testCount, seed + 100));
    }

    private static OutputStream open(Path p) throws IOException {
        OutputStream out = Files.newOutputStream(p);
        return p.toString().endsWith(".gz") ? new GZIPOutputStream(out) : out;
    }
}
