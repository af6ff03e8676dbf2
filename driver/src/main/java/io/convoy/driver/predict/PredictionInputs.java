package io.convoy.driver.predict;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.config.ConfigValidationException;
import io.convoy.driver.data.DatasetManifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the INPUT arguments of {@code convoy predict} name, found on the driver before Spark starts (any Hadoop file
 * system): a directory with {@code dataset.json} is prepared shards; one with MNIST's test IDX files or CIFAR-10's
 * {@code test_batch.bin} is that data set; a CIFAR batch file ({@code *.bin}) or an IDX images file
 * ({@code *-idx3-ubyte[.gz]}, its labels file beside it) is read as it is; any other file is an image, and any other
 * directory is searched for image files ({@code .jpg}, {@code .jpeg}, {@code .png}) at every depth.
 */
final class PredictionInputs {
    private static final Logger log = LoggerFactory.getLogger(PredictionInputs.class);
    static final Set<String> IMAGE_EXTENSIONS = Set.of("jpg", "jpeg", "png");

    /** One INPUT argument's kind. */
    sealed interface Source {
        /** As given on the command line. */
        String argument();
    }

    /**
     * Image files, each one a prediction.
     *
     * @param namedFile the argument is the file itself (not a folder)
     */
    record Images(String argument, List<String> paths, boolean namedFile) implements Source {
    }

    /** One image file named on its own: its prediction goes to stdout. */
    static boolean singleImage(List<Source> sources) {
        return sources.size() == 1 && sources.get(0) instanceof Images i && i.namedFile();
    }

    /** A directory written by {@code convoy prepare-data}: its test split. */
    record Shards(String argument, Path dir) implements Source {
    }

    /** A directory of MNIST ({@code format = mnist}) or CIFAR-10 ({@code cifar10}) files: its test split. */
    record DatasetDir(String argument, Path dir, String format) implements Source {
    }

    /** One CIFAR-10 or CIFAR-100 binary batch file. */
    record CifarFile(String argument, Path file) implements Source {
    }

    /** An IDX images file and its labels file. */
    record IdxFiles(String argument, Path images, Path labels) implements Source {
    }

    private PredictionInputs() {
    }

    /** @throws ConfigValidationException naming the argument that does not exist or holds nothing to predict */
    static List<Source> resolve(List<String> arguments, Configuration hadoop) {
        if (arguments.isEmpty()) {
            throw new ConfigValidationException("no INPUT given: name image files or folders, prepared shards, or IDX/CIFAR files");
        }
        List<Source> out = new ArrayList<>();
        for (String a : arguments) {
            out.add(resolveOne(a, hadoop));
        }
        return out;
    }

    private static Source resolveOne(String argument, Configuration hadoop) {
        Path p = HadoopPaths.resolve(argument);
        FileSystem fs = HadoopPaths.fileSystem(p, hadoop);
        try {
            FileStatus st = fs.getFileStatus(p);
            p = st.getPath();
            if (st.isDirectory()) {
                if (fs.exists(new Path(p, DatasetManifest.FILE))) {
                    return new Shards(argument, p);
                }
                if (exists(fs, p, "t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte")) {
                    return new DatasetDir(argument, p, "mnist");
                }
                if (fs.exists(new Path(p, "test_batch.bin"))) {
                    return new DatasetDir(argument, p, "cifar10");
                }
                List<String> images = new ArrayList<>();
                collectImages(fs, p, images);
                if (images.isEmpty()) {
                    throw new ConfigValidationException("INPUT " + argument + ": directory " + p + " holds no image files ("
                            + String.join(", ", IMAGE_EXTENSIONS.stream().sorted().map(e -> "." + e).toList())
                            + "), no dataset.json, no MNIST t10k IDX files and no CIFAR test_batch.bin");
                }
                return new Images(argument, images, false);
            }
            String name = p.getName().toLowerCase(Locale.ROOT);
            if (name.endsWith(".bin")) {
                return new CifarFile(argument, p);
            }
            if (name.contains("-images-idx3-ubyte") || name.contains("-images.idx3-ubyte")) {
                Path labels = new Path(p.getParent(), p.getName().replace("-images-idx3-ubyte", "-labels-idx1-ubyte")
                        .replace("-images.idx3-ubyte", "-labels.idx1-ubyte"));
                if (!fs.exists(labels)) {
                    throw new ConfigValidationException("INPUT " + argument + ": an IDX images file needs its labels file "
                            + labels + " beside it");
                }
                return new IdxFiles(argument, p, labels);
            }
            return new Images(argument, List.of(p.toString()), true);
        } catch (FileNotFoundException e) {
            throw new ConfigValidationException("INPUT " + argument + ": " + p + " does not exist");
        } catch (IOException e) {
            throw new ConfigValidationException("INPUT " + argument + ": cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    private static boolean exists(FileSystem fs, Path dir, String... names) throws IOException {
        for (String n : names) {
            if (fs.exists(new Path(dir, n)) || fs.exists(new Path(dir, n + ".gz"))) {
                return true;
            }
        }
        return false;
    }

    /** Image files under {@code dir} in path order; other files are left out with a warning naming them. */
    private static void collectImages(FileSystem fs, Path dir, List<String> out) throws IOException {
        List<FileStatus> entries = new ArrayList<>(Arrays.asList(fs.listStatus(dir)));
        entries.sort(Comparator.comparing(s -> s.getPath().getName()));
        for (FileStatus s : entries) {
            String name = s.getPath().getName();
            if (name.startsWith(".") || name.startsWith("_")) {
                continue; // hidden files, Hadoop's _SUCCESS and .crc files
            }
            if (s.isDirectory()) {
                collectImages(fs, s.getPath(), out);
            } else if (isImageName(name)) {
                out.add(s.getPath().toString());
            } else {
                log.warn("not an image file (expected .jpg, .jpeg or .png), left out: {}", s.getPath());
            }
        }
    }

    static boolean isImageName(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 && IMAGE_EXTENSIONS.contains(name.substring(dot + 1).toLowerCase(Locale.ROOT));
    }
}
