package io.convoy.driver.data.prepare;

import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.cifar.CifarBinaryReader;
import io.convoy.worker.data.cifar.CifarBinaryReader.Layout;
import io.convoy.worker.data.mnist.IdxReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The sources that are arrays of raw pixels already (CIFAR-10, CIFAR-100, MNIST): read whole on the
 * driver (at most a few hundred MB) with the worker's readers, which check sizes, magic numbers and labels.
 */
final class ArraySource {
    /** Both splits and the class names. */
    record Read(ImageSplit train, ImageSplit test, List<String> classes) {
    }

    private final FileSystem fs;
    private final Path dir;

    ArraySource(FileSystem fs, Path dir) {
        this.fs = fs;
        this.dir = dir;
    }

    Read read(SourceFormat format, boolean coarse) throws IOException {
        return switch (format) {
            case CIFAR10 -> {
                List<Path> train = new ArrayList<>();
                for (int b = 1; b <= 5; b++) {
                    train.add(find("data_batch_" + b + ".bin"));
                }
                yield new Read(cifar(Layout.CIFAR10, train), cifar(Layout.CIFAR10, List.of(find("test_batch.bin"))),
                        names("batches.meta.txt", 10));
            }
            case CIFAR100 -> {
                Layout layout = coarse ? Layout.CIFAR100_COARSE : Layout.CIFAR100_FINE;
                yield new Read(cifar(layout, List.of(find("train.bin"))), cifar(layout, List.of(find("test.bin"))),
                        names(coarse ? "coarse_label_names.txt" : "fine_label_names.txt", layout.classes()));
            }
            case MNIST -> new Read(mnist("train"), mnist("t10k"), names("", IdxReader.NUM_CLASSES));
            case FOLDERS -> throw new IllegalArgumentException("folders are not an array source");
        };
    }

    private ImageSplit cifar(Layout layout, List<Path> files) throws IOException {
        List<ImageRecord> records = new ArrayList<>();
        for (Path p : files) {
            try (InputStream in = fs.open(p)) {
                CifarBinaryReader.read(layout, p.toString(), in, records.size(), records);
            }
        }
        return new ImageSplit(dir.toString(), CifarBinaryReader.SHAPE, layout.classes(), records);
    }

    private ImageSplit mnist(String prefix) throws IOException {
        Path images = find(prefix + "-images-idx3-ubyte", prefix + "-images.idx3-ubyte");
        Path labels = find(prefix + "-labels-idx1-ubyte", prefix + "-labels.idx1-ubyte");
        try (InputStream i = fs.open(images); InputStream l = fs.open(labels)) {
            return IdxReader.read(images.toString(), i, labels.toString(), l);
        }
    }

    /** Class names from the dataset's names file (one per line) when present, else "0", "1", ... */
    private List<String> names(String file, int classes) throws IOException {
        Path p = file.isEmpty() ? null : new Path(dir, file);
        if (p != null && fs.exists(p)) {
            try (InputStream in = fs.open(p)) {
                List<String> names = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                        .map(String::strip).filter(s -> !s.isEmpty()).toList();
                if (names.size() != classes) {
                    throw new InvalidDataException(p + ": " + names.size() + " class names, expected " + classes);
                }
                return names;
            }
        }
        return IntStream.range(0, classes).mapToObj(Integer::toString).toList();
    }

    /** The first of the names that exists, also with .gz appended. */
    private Path find(String... names) throws IOException {
        for (String n : names) {
            for (String candidate : List.of(n, n + ".gz")) {
                Path p = new Path(dir, candidate);
                if (fs.exists(p)) {
                    return p;
                }
            }
        }
        throw new InvalidDataException(dir + ": " + names[0] + " (or .gz) not found");
    }
}
