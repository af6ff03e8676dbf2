package io.convoy.driver.eval;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.config.RunConfig.DataSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Names of the classes for results and reports, from the data set's own files where it has them. */
public final class ClassNames {
    private static final Logger log = LoggerFactory.getLogger(ClassNames.class);
    /** The order of CIFAR-10's batches.meta.txt. */
    private static final List<String> CIFAR10 = List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog",
            "horse", "ship", "truck");

    private ClassNames() {
    }

    /**
     * CIFAR-10: the lines of {@code batches.meta.txt} in the data directory (part of the binary
     * distribution), else the standard names; MNIST: the digits; otherwise {@code class 0..}.
     */
    public static List<String> of(DataSettings data, int numClasses, Configuration hadoop) {
        List<String> names = switch (data.format()) {
            case CIFAR10 -> {
                List<String> meta = metaFile(data, hadoop);
                yield meta != null && meta.size() == numClasses ? meta : CIFAR10;
            }
            case MNIST -> IntStream.range(0, 10).mapToObj(String::valueOf).toList();
            case SHARDS -> shardClasses(data, hadoop);
        };
        if (names.size() != numClasses) {
            return IntStream.range(0, numClasses).mapToObj(i -> "class " + i).toList();
        }
        return names;
    }

    /** The class names recorded in a prepared data set's dataset.json (sorted folder names for image trees). */
    private static List<String> shardClasses(DataSettings data, Configuration hadoop) {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(
                io.convoy.driver.HadoopPaths.resolve(data.path()), io.convoy.driver.data.DatasetManifest.FILE);
        try (java.io.InputStream in = p.getFileSystem(hadoop).open(p)) {
            String json = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            return io.convoy.driver.data.DatasetManifest.fromJson(json, p.toString()).classes();
        } catch (java.io.IOException | RuntimeException e) {
            return List.of();
        }
    }

    private static List<String> metaFile(DataSettings data, Configuration hadoop) {
        Path p = new Path(HadoopPaths.resolve(data.path()), "batches.meta.txt");
        FileSystem fs = HadoopPaths.fileSystem(p, hadoop);
        try {
            if (!fs.exists(p)) {
                return null;
            }
            try (InputStream in = fs.open(p)) {
                List<String> out = new ArrayList<>();
                for (String line : new String(in.readNBytes(1 << 20), StandardCharsets.UTF_8).split("\\R")) {
                    if (!line.isBlank()) {
                        out.add(line.strip());
                    }
                }
                return out;
            }
        } catch (IOException e) {
            log.warn("cannot read class names from {}: {}", p, e.toString());
            return null;
        }
    }
}
