package io.convoy.driver.data;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.config.RunConfig.DataSettings;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.cifar.CifarBinaryReader;
import io.convoy.worker.data.mnist.IdxReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the training and test splits named by {@code data.*} on the driver, from any Hadoop file
 * system, and checks them before Spark starts.
 */
public final class DatasetLoader {
    private static final Logger log = LoggerFactory.getLogger(DatasetLoader.class);

    public enum Split { TRAIN, TEST }

    private final DataSettings settings;
    private final FileSystem fs;
    private final Path dir;

    public DatasetLoader(DataSettings settings, Configuration hadoopConf) {
        this.settings = settings;
        this.dir = HadoopPaths.resolve(settings.path());
        this.fs = HadoopPaths.fileSystem(dir, hadoopConf);
        try {
            if (!fs.getFileStatus(dir).isDirectory()) {
                throw new InvalidDataException("data.path = " + settings.path() + ": is a file, expected the directory of the "
                        + settings.format().name().toLowerCase() + " files");
            }
        } catch (java.io.FileNotFoundException e) {
            throw new InvalidDataException("data.path = " + settings.path() + ": directory " + dir + " does not exist");
        } catch (IOException e) {
            throw new InvalidDataException("data.path = " + settings.path() + ": cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    public ImageSplit load(Split split) {
        long start = System.nanoTime();
        ImageSplit all;
        try {
            all = switch (settings.format()) {
                case MNIST -> loadMnist(split);
                case CIFAR10 -> loadCifar10(split);
                // shards are never loaded whole on the driver: ShardTrainingData reads them in the tasks
                case SHARDS -> throw new InvalidDataException("data.format = shards: the records stay in the shards under "
                        + dir + "; open them with TrainingData.open (ShardTrainingData), not DatasetLoader");
            };
        } catch (IOException e) {
            throw new InvalidDataException("cannot read " + split.name().toLowerCase() + " split under " + dir + ": " + e.getMessage(), e);
        }
        int limit = split == Split.TRAIN ? settings.trainLimit() : settings.testLimit();
        ImageSplit out = limit > 0 && limit < all.size()
                ? new ImageSplit(all.source(), all.shape(), all.numClasses(), List.copyOf(all.records().subList(0, limit)))
                : all;
        log.info("{} split: {} records of {} from {} ({} ms)", split.name().toLowerCase(), out.size(), out.shape(),
                all.source(), (System.nanoTime() - start) / 1_000_000);
        return out;
    }

    private ImageSplit loadMnist(Split split) throws IOException {
        String prefix = split == Split.TRAIN ? "train" : "t10k";
        Path images = find(prefix + "-images-idx3-ubyte", prefix + "-images.idx3-ubyte");
        Path labels = find(prefix + "-labels-idx1-ubyte", prefix + "-labels.idx1-ubyte");
        try (InputStream i = fs.open(images); InputStream l = fs.open(labels)) {
            return IdxReader.read(images.toString(), i, labels.toString(), l);
        }
    }

    private ImageSplit loadCifar10(Split split) throws IOException {
        List<Path> files = new ArrayList<>();
        if (split == Split.TRAIN) {
            for (int b = 1; b <= 5; b++) {
                Path p = new Path(dir, "data_batch_" + b + ".bin");
                if (fs.exists(p)) {
                    files.add(p);
                }
            }
            if (files.isEmpty()) {
                throw new InvalidDataException("data.path = " + settings.path() + ": no CIFAR-10 training batches"
                        + " (data_batch_1.bin .. data_batch_5.bin) in " + dir);
            }
        } else {
            files.add(find("test_batch.bin"));
        }
        List<ImageRecord> records = new ArrayList<>();
        for (Path p : files) {
            try (InputStream in = fs.open(p)) {
                CifarBinaryReader.readCifar10(p.toString(), in, records.size(), records);
            }
        }
        return new ImageSplit(dir.toString(), CifarBinaryReader.SHAPE, CifarBinaryReader.CIFAR10_CLASSES, records);
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
        throw new InvalidDataException("data.path = " + settings.path() + ": " + names[0] + " (or .gz) not found in " + dir);
    }
}
