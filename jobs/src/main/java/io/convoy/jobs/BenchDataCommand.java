package io.convoy.jobs;

import io.convoy.worker.augment.Augmentation;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.batch.MinibatchFunction;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.shard.RecordDecoder;
import io.convoy.worker.data.shard.RecordEncoding;
import io.convoy.worker.data.shard.ShardRecord;
import io.convoy.zoo.InputShape;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Decode + augment + normalise throughput of the executors' data path on one thread (= per core),
 * on generated records: CIFAR-sized raw pixels (pad 4, crop, flip) and ImageNet-like JPEGs (500x375,
 * quality 90; random-resized crop to --image-size and flip, or the evaluation resize + centre crop).
 */
@Command(name = "bench-data", mixinStandardHelpOptions = true,
        description = {"Measure the data pipeline's records/s per core (one thread): decode, augment, normalise,",
                "batch into float minibatches, as the Spark tasks do. Generated data; no Spark, no files."})
final class BenchDataCommand implements Callable<Integer> {
    @Option(names = "--seconds", defaultValue = "10", description = "Measuring time per case (default: ${DEFAULT-VALUE}).")
    double seconds;

    @Option(names = "--image-size", defaultValue = "224", description = "Crop side of the JPEG cases (default: ${DEFAULT-VALUE}).")
    int imageSize;

    @Option(names = "--batch", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--json", description = "One JSON line per case (for bench/run.py).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        Random rng = new Random(1);
        List<ShardRecord> cifar = new ArrayList<>();
        for (int i = 0; i < 1024; i++) {
            byte[] px = new byte[3 * 32 * 32];
            rng.nextBytes(px);
            cifar.add(new ShardRecord(0, i, i, i % 10, px));
        }
        List<ShardRecord> jpegs = new ArrayList<>();
        long jpegBytes = 0;
        for (int i = 0; i < 64; i++) {
            byte[] jpeg = jpeg(photoLike(500, 375, rng));
            jpegBytes += jpeg.length;
            jpegs.add(new ShardRecord(0, i, i, i % 10, jpeg));
        }
        (json ? System.err : System.out).printf("data pipeline, one thread, batch %d, %.0f s per case; JPEGs 500x375 q90, mean %.0f KB%n",
                batch, seconds, jpegBytes / 64.0 / 1024);
        Normalization norm3 = new Normalization(new double[] {0.5, 0.5, 0.5}, new double[] {0.25, 0.25, 0.25});
        InputShape cifarShape = new InputShape(3, 32, 32);
        run("cifar", "CIFAR 32x32 raw: pad 4 + crop + flip, normalise", cifar,
                new RecordDecoder(RecordEncoding.RAW, cifarShape, 10, 0, true), true,
                new MinibatchFunction(cifarShape, 10, batch, new Augmentation(4, true), norm3, 1, 1));
        InputShape crop = new InputShape(3, imageSize, imageSize);
        RecordDecoder image = new RecordDecoder(RecordEncoding.IMAGE, null, 10, imageSize, true);
        run("jpeg_train", "JPEG -> random-resized crop " + imageSize + " + flip, normalise", jpegs, image, true,
                new MinibatchFunction(crop, 10, batch, Augmentation.NONE, norm3, 1, 1));
        run("jpeg_eval", "JPEG -> resize " + io.convoy.worker.augment.ImageCrops.evalResize(imageSize) + " + centre crop "
                + imageSize + ", normalise", jpegs, image, false,
                new MinibatchFunction(crop, 10, batch, Augmentation.NONE, norm3, 1, 1));
        return 0;
    }

    private void run(String key, String name, List<ShardRecord> records, RecordDecoder decoder, boolean train, MinibatchFunction batches) {
        long done = 0;
        long start = 0;
        long deadline = 0;
        boolean warm = false;
        long warmUntil = System.nanoTime() + (long) (Math.min(3, seconds / 2) * 1e9);
        int epoch = 0;
        List<ImageRecord> batch = new ArrayList<>(this.batch);
        while (true) {
            epoch++;
            for (ShardRecord r : records) {
                batch.add(train ? decoder.train(r, MinibatchFunction.recordRandom(7, epoch, r.id())) : decoder.eval(r));
                if (batch.size() == this.batch) {
                    batches.toDataSet(batch);
                    batch.clear();
                    if (warm) {
                        done += this.batch;
                    }
                }
                long now = System.nanoTime();
                if (!warm && now > warmUntil) {
                    warm = true;
                    start = now;
                    deadline = now + (long) (seconds * 1e9);
                }
                if (warm && now > deadline && done > 0) {
                    double s = (now - start) / 1e9;
                    if (json) {
                        System.out.printf(java.util.Locale.ROOT, "{\"case\":\"%s\",\"name\":\"%s\",\"records_s\":%.1f}%n",
                                key, name.replace("\"", "'"), done / s);
                    } else {
                        System.out.printf("%-60s %10.0f records/s per core (%d records in %.1f s)%n", name, done / s, done, s);
                    }
                    return;
                }
            }
        }
    }

    /** Smooth colour gradients with some texture and noise: compresses like a photograph, not like noise or flat colour. */
    private static BufferedImage photoLike(int w, int h, Random rng) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
        double fx = 0.01 + rng.nextDouble() * 0.05;
        double fy = 0.01 + rng.nextDouble() * 0.05;
        int base = rng.nextInt(1 << 24);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int r = clamp(((base >> 16) & 0xff) * 0.5 + 100 * Math.sin(x * fx) + rng.nextGaussian() * 12);
                int g = clamp(((base >> 8) & 0xff) * 0.5 + 100 * Math.cos(y * fy) + rng.nextGaussian() * 12);
                int b = clamp((base & 0xff) * 0.5 + 60 * Math.sin((x + y) * fx * 0.7) + rng.nextGaussian() * 12);
                img.setRGB(x, y, (r << 16) | (g << 8) | b);
            }
        }
        return img;
    }

    private static int clamp(double v) {
        return (int) Math.max(0, Math.min(255, v));
    }

    private static byte[] jpeg(BufferedImage img) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            ImageWriteParam p = writer.getDefaultWriteParam();
            p.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            p.setCompressionQuality(0.9f);
            writer.write(null, new IIOImage(img, null, null), p);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }
}
