package io.convoy.driver.predict;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.checkpoint.CheckpointInfo;
import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.checkpoint.RunStoreException;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.ConfigValidationException;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.config.RunConfig.DataSettings;
import io.convoy.driver.data.DatasetLoader;
import io.convoy.driver.data.DatasetManifest;
import io.convoy.driver.data.ShardTrainingData;
import io.convoy.driver.eval.CheckpointSelection;
import io.convoy.driver.eval.ClassNames;
import io.convoy.driver.eval.EvaluationRun;
import io.convoy.driver.eval.Evaluator;
import io.convoy.driver.eval.Prediction;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.augment.ImageCrops;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.augment.TestTimeAugmentation;
import io.convoy.worker.batch.CorruptRecords;
import io.convoy.worker.data.HadoopConf;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.cifar.CifarBinaryReader;
import io.convoy.worker.data.folder.ImageFile;
import io.convoy.worker.data.mnist.IdxReader;
import io.convoy.worker.data.shard.RecordEncoding;
import io.convoy.worker.predict.ImageFileInputs;
import io.convoy.worker.predict.ImagePreparation;
import io.convoy.worker.predict.PredictionInput;
import io.convoy.zoo.InputShape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code convoy predict}: the top-k classes of new images (or of a data set's records) under one checkpoint of a
 * run, on Spark, through the evaluation's own path ({@link Evaluator#predict}: the run's normalisation, the same
 * test-time views). Image files are decoded, resized and centre-cropped in the tasks as the run's evaluation images
 * were ({@link ImagePreparation}); data sets are read by the data readers of training and evaluation. Everything
 * that can be checked is checked before Spark starts: the inputs exist, the checkpoint's class count matches the
 * classes of a data set given as input, the output does not hold predictions yet. The predictions are written as
 * CSV and Parquet by Spark's own writers.
 */
public final class PredictionRun {
    private static final Logger log = LoggerFactory.getLogger(PredictionRun.class);
    public static final String CSV = "predictions.csv";
    public static final String PARQUET = "predictions.parquet";
    /** Unreadable images named in the error when there are more than allowed. */
    private static final int NAMED = 10;

    /**
     * @param checkpoint latest, best or epoch-N
     * @param inputSize  as {@code evaluate --input-size}; null: the stored size
     * @param topK       classes per prediction (at most the class count)
     * @param maxBad     unreadable images skipped before the run fails
     * @param output     directory for predictions.csv/ and predictions.parquet/; null: none (one image, stdout)
     */
    public record Options(String checkpoint, TestTimeAugmentation tta, int[] inputSize, int topK, int maxBad, String output) {
    }

    /**
     * What a prediction run did.
     *
     * @param single the prediction of the one image named, when that was the input
     */
    public record Outcome(String run, CheckpointInfo checkpoint, List<String> classNames, long predicted, List<String> skipped,
                          List<String> written, Prediction single) {
        /** "name: class p%, class p%, ..." */
        public String describe(Prediction p) {
            StringBuilder sb = new StringBuilder(p.input()).append(':');
            for (int j = 0; j < p.classes().length; j++) {
                sb.append(j == 0 ? " " : ", ").append(classNames.get(p.classes()[j]))
                        .append(String.format(Locale.ROOT, " %.2f%%", 100.0 * p.probabilities()[j]));
            }
            return sb.toString();
        }

        public String summary() {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s (epoch %d): %d predictions",
                    checkpoint.file(), checkpoint.epoch(), predicted));
            if (!skipped.isEmpty()) {
                sb.append("; skipped ").append(skipped.size()).append(" unreadable: ").append(String.join("; ", skipped));
            }
            if (!written.isEmpty()) {
                sb.append(" -> ").append(String.join(", ", written));
            }
            return sb.toString();
        }
    }

    /** Too many unreadable inputs, or no good checkpoint: the run failed (exit code 1). */
    public static final class PredictionFailedException extends RuntimeException {
        public PredictionFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final String runDir;
    private final List<String> inputs;
    private final Options options;
    private final List<String> overrides;

    public PredictionRun(String runDir, List<String> inputs, Options options, List<String> overrides) {
        this.runDir = runDir;
        this.inputs = List.copyOf(inputs);
        this.options = options;
        this.overrides = List.copyOf(overrides);
    }

    public Outcome run() {
        RunStore opened = RunStore.open(runDir, SparkContexts.hadoopConf(ConfigLoader.sparkConfOf(overrides)));
        RunConfig config = ConfigLoader.fromSaved(opened.readConfig(), runDir + "/" + RunLayout.CONFIG, overrides);
        Configuration hadoop = SparkContexts.hadoopConf(config.spark().conf());
        RunStore store = RunStore.open(runDir, hadoop);
        if (options.maxBad() < 0) {
            throw new ConfigValidationException("--max-bad " + options.maxBad() + ": expected 0 or more");
        }
        List<PredictionInputs.Source> sources = PredictionInputs.resolve(inputs, hadoop);
        boolean single = PredictionInputs.singleImage(sources);
        if (options.output() == null && !single) {
            throw new ConfigValidationException("--output is required unless the INPUT is one image file");
        }
        List<Path> targets = options.output() == null ? List.of() : outputs(options.output(), hadoop);

        RunStore.Loaded loaded = load(store);
        ComputationGraph net = loaded.net();
        ComputationGraphConfiguration conf = net.getConfiguration();
        int numClasses = (int) net.layerSize(conf.getNetworkOutputs().get(0));
        List<String> classNames = ClassNames.of(config.data(), numClasses, hadoop);
        Stored run = stored(config, hadoop);
        InputShape stored = run.shape();
        Normalization norm = store.readJson(RunLayout.NORMALIZATION, Normalization.class);
        InputShape network = options.inputSize() == null ? stored
                : new InputShape(stored.channels(), options.inputSize()[0], options.inputSize()[1]);
        Evaluator.Spec spec;
        try {
            spec = new Evaluator.Spec(stored, network, numClasses, norm, config.eval().batchSize(), options.tta());
        } catch (IllegalArgumentException e) {
            throw new ConfigValidationException("--tta " + options.tta().label() + " on the run's " + stored + " images: "
                    + e.getMessage(), e);
        }
        if (options.topK() < 1) {
            throw new ConfigValidationException("--top-k " + options.topK() + ": expected 1 or more");
        }
        int k = Math.min(options.topK(), numClasses);
        // data sets read on the driver and checked against the checkpoint before Spark starts
        List<RecordSource> datasets = new ArrayList<>();
        for (PredictionInputs.Source s : sources) {
            if (!(s instanceof PredictionInputs.Images)) {
                datasets.add(open(s, config, hadoop, stored, numClasses, loaded.info(), options.maxBad()));
            }
        }
        List<ImageFile> files = new ArrayList<>();
        for (PredictionInputs.Source s : sources) {
            if (s instanceof PredictionInputs.Images i) {
                for (String p : i.paths()) {
                    files.add(new ImageFile(p, -1, files.size(), 0));
                }
            }
        }
        ImagePreparation prep;
        try {
            prep = files.isEmpty() ? null : new ImagePreparation(stored, run.resize());
        } catch (IllegalArgumentException e) {
            throw new ConfigValidationException("INPUT " + String.join(" ", inputs) + ": " + e.getMessage(), e);
        }
        log.info("run {}: predicting {} image files and {} data sets with {} ({} classes, {} input, views {}, top {})",
                store.id(), files.size(), datasets.size(), loaded.info().file(), numClasses, stored, options.tta().label(), k);

        try (JavaSparkContext sc = SparkContexts.create(config.spark())) {
            CollectionAccumulator<String> badFound = sc.sc().collectionAccumulator("unreadable prediction inputs");
            CorruptRecords bad = new CorruptRecords(options.maxBad(), List.of(), badFound, "--max-bad");
            JavaRDD<PredictionInput> all = null;
            if (!files.isEmpty()) {
                all = sc.parallelize(files, Math.max(1, Math.min(files.size(), sc.defaultParallelism())))
                        .mapPartitions(new ImageFileInputs(prep, bad, new HadoopConf(hadoop)), true);
            }
            for (RecordSource d : datasets) {
                JavaRDD<PredictionInput> rdd = d.records(sc);
                all = all == null ? rdd : all.union(rdd);
            }
            JavaRDD<Prediction> predictions = Evaluator.predict(sc, net, all, spec, k).persist(StorageLevel.MEMORY_AND_DISK());
            long n;
            try {
                n = predictions.count();
            } catch (Exception e) { // Spark's job failure, a SparkException, is a checked exception in Java's terms
                for (Throwable t = e; t != null; t = t.getCause()) {
                    if (t instanceof CorruptRecords.TooManyCorruptRecords) {
                        // without the cause: the input is not malformed as a whole (exit 2); the run failed (exit 1)
                        log.debug("a task met more than --max-bad unreadable inputs", e);
                        throw new PredictionFailedException(t.getMessage(), null);
                    }
                }
                if (e instanceof RuntimeException re) {
                    throw re;
                }
                throw new PredictionFailedException("predicting failed: " + e.getMessage(), e);
            }
            List<String> skipped = List.copyOf(new LinkedHashSet<>(badFound.value())); // a retried task reports twice
            if (skipped.size() > options.maxBad()) {
                throw new PredictionFailedException(skipped.size() + " unreadable inputs, more than --max-bad = "
                        + options.maxBad() + ": " + String.join("; ", skipped.subList(0, Math.min(NAMED, skipped.size())))
                        + (skipped.size() > NAMED ? "; ..." : ""), null);
            }
            if (n == 0) {
                throw new PredictionFailedException("no input could be read: " + String.join("; ", skipped), null);
            }
            List<String> written = new ArrayList<>();
            if (!targets.isEmpty()) {
                write(sc, predictions, classNames, k, targets);
                targets.forEach(t -> written.add(t.toString()));
            }
            Prediction one = single && n == 1 ? predictions.first() : null;
            predictions.unpersist(false);
            Outcome outcome = new Outcome(store.id(), loaded.info(), classNames, n, skipped, written, one);
            log.info("run {}: {}", store.id(), outcome.summary());
            return outcome;
        }
    }

    /** The first good checkpoint of the selection; latest and best fall back past a corrupt one, epoch-N does not. */
    private RunStore.Loaded load(RunStore store) {
        CheckpointSelection selection = EvaluationRun.Options.of(options.checkpoint()).selection();
        List<String> faults = new ArrayList<>();
        for (CheckpointInfo c : selection.candidates(store.manifest(), Set.of())) {
            try {
                return store.load("epoch-" + c.epoch());
            } catch (RunStoreException | UncheckedIOException e) {
                log.warn("skipping checkpoint {} of run {}: {}", c.file(), store.id(), e.getMessage());
                faults.add(c.file() + ": " + e.getMessage());
            }
        }
        throw new PredictionFailedException("run " + store.dir() + ": no good checkpoint for --checkpoint "
                + options.checkpoint() + " (" + String.join("; ", faults) + ")", null);
    }

    /**
     * The run's evaluation images and how an image file becomes one. DL4J's saved graph does not record its input
     * size, so the shape comes from the run's data: MNIST and CIFAR by format, shards by their dataset.json.
     *
     * @param resize the shorter side before the centre crop: a run on image files (shards of JPEG/PNG) was
     *               evaluated at {@link ImageCrops#evalResize}, a run on raw pixels on whole images of its size
     */
    record Stored(InputShape shape, int resize) {
    }

    static Stored stored(RunConfig config, Configuration hadoop) {
        DataSettings d = config.data();
        switch (d.format()) {
            case MNIST:
                return new Stored(new InputShape(1, 28, 28), 28);
            case CIFAR10:
                return new Stored(CifarBinaryReader.SHAPE, CifarBinaryReader.SHAPE.height());
            default:
                break;
        }
        Path file = new Path(HadoopPaths.resolve(d.path()), DatasetManifest.FILE);
        InputShape image = new InputShape(3, d.imageSize(), d.imageSize());
        try (InputStream in = HadoopPaths.fileSystem(file, hadoop).open(file)) {
            DatasetManifest m = DatasetManifest.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8), file.toString());
            if (m.recordEncoding() == RecordEncoding.RAW) {
                return new Stored(m.inputShape(), m.inputShape().height());
            }
        } catch (IOException | RuntimeException e) {
            log.warn("cannot read the run's {} ({}): assuming it was trained on image files, {} at evaluation resize {}",
                    file, e.getMessage(), image, ImageCrops.evalResize(d.imageSize()));
        }
        return new Stored(image, ImageCrops.evalResize(d.imageSize()));
    }

    /** A data set given as INPUT, its class count and image shape checked against the checkpoint. */
    private interface RecordSource {
        JavaRDD<PredictionInput> records(JavaSparkContext sc);
    }

    private static RecordSource open(PredictionInputs.Source s, RunConfig config, Configuration hadoop, InputShape stored,
                                     int numClasses, CheckpointInfo checkpoint, int maxBad) {
        if (s instanceof PredictionInputs.Shards sh) {
            DataSettings d = config.data();
            // the run's decoding (image size) and the prediction's budget for corrupt records; every test record
            ShardTrainingData data = ShardTrainingData.open(new DataSettings(RunConfig.DataFormat.SHARDS, sh.dir().toString(),
                    0, 0, d.pad(), d.flip(), maxBad, d.imageSize(), d.verifyChecksums()), hadoop);
            check(s, data.manifest().classes().size(), "classes " + data.manifest().classes(), data.shape(), stored,
                    numClasses, checkpoint);
            String name = sh.dir() + "#test/";
            return sc -> data.testRecords(sc, sc.defaultParallelism()).map(r -> new PredictionInput(name + r.id(), r));
        }
        ImageSplit split;
        String name;
        try {
            if (s instanceof PredictionInputs.DatasetDir dd) {
                DataSettings d = config.data();
                split = new DatasetLoader(new DataSettings(RunConfig.DataFormat.valueOf(dd.format().toUpperCase(Locale.ROOT)),
                        dd.dir().toString(), 0, 0, d.pad(), d.flip(), d.maxBadRecords(), d.imageSize(), d.verifyChecksums()),
                        hadoop).load(DatasetLoader.Split.TEST);
                name = dd.dir() + "#test/";
            } else if (s instanceof PredictionInputs.CifarFile cf) {
                FileSystem fs = HadoopPaths.fileSystem(cf.file(), hadoop);
                // CIFAR-100's batches are train.bin / test.bin; CIFAR-10's data_batch_N.bin / test_batch.bin
                CifarBinaryReader.Layout layout = List.of("train.bin", "test.bin").contains(cf.file().getName())
                        ? CifarBinaryReader.Layout.CIFAR100_FINE : CifarBinaryReader.Layout.CIFAR10;
                List<ImageRecord> records = new ArrayList<>();
                try (InputStream in = fs.open(cf.file())) {
                    CifarBinaryReader.read(layout, cf.file().toString(), in, 0, records);
                }
                split = new ImageSplit(cf.file().toString(), CifarBinaryReader.SHAPE, layout.classes(), records);
                name = cf.file() + "#";
            } else {
                PredictionInputs.IdxFiles idx = (PredictionInputs.IdxFiles) s;
                FileSystem fs = HadoopPaths.fileSystem(idx.images(), hadoop);
                try (InputStream i = fs.open(idx.images()); InputStream l = fs.open(idx.labels())) {
                    split = IdxReader.read(idx.images().toString(), i, idx.labels().toString(), l);
                }
                name = idx.images() + "#";
            }
        } catch (IOException e) {
            throw new InvalidDataException("INPUT " + s.argument() + ": cannot read: " + e.getMessage(), e);
        }
        check(s, split.numClasses(), split.numClasses() + " classes", split.shape(), stored, numClasses, checkpoint);
        ImageSplit records = split;
        String prefix = name;
        return sc -> sc.parallelize(records.records(), sc.defaultParallelism()).map(r -> new PredictionInput(prefix + r.id(), r));
    }

    private static void check(PredictionInputs.Source s, int inputClasses, String classesDescription, InputShape shape,
                              InputShape stored, int numClasses, CheckpointInfo checkpoint) {
        if (inputClasses != numClasses) {
            throw new ConfigValidationException("INPUT " + s.argument() + " has " + inputClasses + " classes ("
                    + abbreviate(classesDescription) + "), but checkpoint " + checkpoint.file() + " predicts " + numClasses
                    + ": it was trained on another data set; use a run trained on this one");
        }
        if (!shape.equals(stored)) {
            throw new ConfigValidationException("INPUT " + s.argument() + " holds " + shape + " images, but checkpoint "
                    + checkpoint.file() + " takes " + stored);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }

    /** OUT/predictions.csv and OUT/predictions.parquet, refused when either exists already. */
    private static List<Path> outputs(String output, Configuration hadoop) {
        Path dir = HadoopPaths.resolve(output);
        FileSystem fs = HadoopPaths.fileSystem(dir, hadoop);
        List<Path> out = List.of(fs.makeQualified(new Path(dir, CSV)), fs.makeQualified(new Path(dir, PARQUET)));
        try {
            if (fs.exists(dir) && !fs.getFileStatus(dir).isDirectory()) {
                throw new ConfigValidationException("--output " + output + ": " + dir + " is a file, expected a directory");
            }
            for (Path p : out) {
                if (fs.exists(p)) {
                    throw new ConfigValidationException("--output " + output + ": " + p + " exists already;"
                            + " choose another directory or remove it");
                }
            }
        } catch (IOException e) {
            throw new ConfigValidationException("--output " + output + ": cannot read " + dir + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Columns: input, true_class (data sets only), then class_j and probability_j for j = 1..k. */
    static StructType schema(int k) {
        List<StructField> fields = new ArrayList<>();
        fields.add(DataTypes.createStructField("input", DataTypes.StringType, false));
        fields.add(DataTypes.createStructField("true_class", DataTypes.StringType, true));
        for (int j = 1; j <= k; j++) {
            fields.add(DataTypes.createStructField("class_" + j, DataTypes.StringType, false));
            fields.add(DataTypes.createStructField("probability_" + j, DataTypes.DoubleType, false));
        }
        return DataTypes.createStructType(fields);
    }

    private static void write(JavaSparkContext sc, JavaRDD<Prediction> predictions, List<String> classNames, int k,
                              List<Path> targets) {
        List<String> names = List.copyOf(classNames);
        JavaRDD<Row> rows = predictions.map(p -> {
            Object[] v = new Object[2 + 2 * k];
            v[0] = p.input();
            v[1] = p.label() < 0 ? null : names.get(p.label());
            for (int j = 0; j < k; j++) {
                v[2 + 2 * j] = names.get(p.classes()[j]);
                // the float as printed (0.8 rather than 0.800000011920929)
                v[3 + 2 * j] = Double.parseDouble(Float.toString(p.probabilities()[j]));
            }
            return RowFactory.create(v);
        });
        SparkSession spark = SparkSession.builder().config(sc.getConf()).getOrCreate();
        org.apache.spark.sql.Dataset<Row> df = spark.createDataFrame(rows, schema(k));
        // one CSV file for people and spreadsheets; Parquet as the partitions fell
        df.coalesce(1).write().mode(SaveMode.ErrorIfExists).option("header", "true").csv(targets.get(0).toString());
        df.write().mode(SaveMode.ErrorIfExists).parquet(targets.get(1).toString());
    }
}
