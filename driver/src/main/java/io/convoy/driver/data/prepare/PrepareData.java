package io.convoy.driver.data.prepare;

import io.convoy.driver.HadoopPaths;
import io.convoy.driver.data.DatasetManifest;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.HadoopConf;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.folder.ImageFile;
import io.convoy.worker.data.folder.ShardConversion;
import io.convoy.worker.data.folder.ShardPlan;
import io.convoy.worker.data.folder.ShardResult;
import io.convoy.worker.data.image.DecodedImage;
import io.convoy.worker.data.shard.RecordEncoding;
import io.convoy.worker.data.shard.ShardFormat;
import io.convoy.worker.data.shard.ShardSummary;
import io.convoy.worker.data.shard.ShardWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code prepare-data}: a source dataset to shards plus {@code dataset.json} in a directory on any
 * Hadoop file system. Array sources (CIFAR, MNIST) are converted on the driver; image trees are listed
 * on the driver and converted on Spark, one task per shard. Records keep the source order (record id =
 * position in the split), so the same input always gives the same shards, byte for byte, and the
 * same manifest; the training side reshuffles every epoch.
 */
public final class PrepareData {
    private static final Logger log = LoggerFactory.getLogger(PrepareData.class);
    /** SequenceFile bytes per record beyond the payload: record and key lengths, key, label. */
    private static final int RECORD_OVERHEAD = 4 + 4 + 8 + 4 + 4;

    private final PrepareSettings settings;
    private final Configuration conf;
    private final Path out;
    private final FileSystem fs;

    public PrepareData(PrepareSettings settings, Configuration conf) {
        this.settings = settings;
        this.conf = conf;
        this.out = HadoopPaths.resolve(settings.output());
        this.fs = HadoopPaths.fileSystem(out, conf);
    }

    /**
     * @param spark gives the Spark context for image trees (not called for CIFAR/MNIST)
     * @return the manifest written
     */
    public DatasetManifest run(Supplier<JavaSparkContext> spark) throws IOException {
        Path in = HadoopPaths.resolve(settings.input());
        FileSystem inFs = HadoopPaths.fileSystem(in, conf);
        if (!inFs.exists(in) || !inFs.getFileStatus(in).isDirectory()) {
            throw new InvalidDataException("input " + settings.input() + ": directory " + in + " does not exist");
        }
        prepareOutput();
        DatasetManifest manifest = settings.source() == SourceFormat.FOLDERS
                ? folders(inFs, in, spark) : arrays(inFs, in);
        Path file = new Path(out, DatasetManifest.FILE);
        Path partial = new Path(out, "." + DatasetManifest.FILE + ".partial");
        try (OutputStream o = fs.create(partial, true)) {
            o.write(manifest.toJson().getBytes(StandardCharsets.UTF_8));
        }
        fs.delete(file, false);
        if (!fs.rename(partial, file)) {
            throw new IOException("cannot rename " + partial + " to " + file);
        }
        log.info("wrote {}: {} train / {} test records in {} + {} shards", file,
                manifest.splits().get(DatasetManifest.TRAIN).records(), manifest.splits().get(DatasetManifest.TEST).records(),
                manifest.splits().get(DatasetManifest.TRAIN).shards().size(), manifest.splits().get(DatasetManifest.TEST).shards().size());
        return manifest;
    }

    /** An existing dataset is replaced only when asked to; anything else in the directory is refused. */
    private void prepareOutput() throws IOException {
        if (fs.exists(out)) {
            FileStatus[] entries = fs.listStatus(out);
            if (entries.length > 0) {
                if (!settings.overwrite()) {
                    throw new InvalidDataException("output " + settings.output() + " is not empty; give --overwrite to"
                            + " replace a dataset prepared there, or choose a new directory");
                }
                if (!fs.exists(new Path(out, DatasetManifest.FILE))) {
                    throw new InvalidDataException("output " + settings.output() + " is not empty and holds no "
                            + DatasetManifest.FILE + ": not overwriting a directory that is not a prepared dataset");
                }
                fs.delete(new Path(out, DatasetManifest.FILE), false);
                fs.delete(new Path(out, DatasetManifest.TRAIN), true);
                fs.delete(new Path(out, DatasetManifest.TEST), true);
            }
        }
        fs.mkdirs(new Path(out, DatasetManifest.TRAIN));
        fs.mkdirs(new Path(out, DatasetManifest.TEST));
    }

    private DatasetManifest arrays(FileSystem inFs, Path in) throws IOException {
        ArraySource.Read read = new ArraySource(inFs, in).read(settings.source(), settings.coarseLabels());
        Map<String, DatasetManifest.Split> splits = new LinkedHashMap<>();
        splits.put(DatasetManifest.TRAIN, writeArraySplit(DatasetManifest.TRAIN, read.train()));
        splits.put(DatasetManifest.TEST, writeArraySplit(DatasetManifest.TEST, read.test()));
        Normalization norm = Normalization.measure(read.train().records(), read.train().shape().channels());
        var shape = read.train().shape();
        return new DatasetManifest(DatasetManifest.FORMAT, DatasetManifest.VERSION, settings.source().cliName(),
                RecordEncoding.RAW.manifestName(), DatasetManifest.RECORD_LAYOUT, read.classes(),
                new DatasetManifest.Shape(shape.channels(), shape.height(), shape.width()), norm.mean(), norm.std(),
                splits, List.of());
    }

    private DatasetManifest.Split writeArraySplit(String split, ImageSplit data) throws IOException {
        List<ImageRecord> records = data.records();
        int perShard = (int) Math.max(1, Math.min(Integer.MAX_VALUE,
                settings.shardBytes() / (data.shape().pixels() + RECORD_OVERHEAD)));
        List<DatasetManifest.Shard> shards = new ArrayList<>();
        for (int start = 0, index = 0; start < records.size(); start += perShard, index++) {
            List<ShardWriter.Entry> entries = records.subList(start, Math.min(records.size(), start + perShard)).stream()
                    .map(r -> new ShardWriter.Entry(r.id(), r.label(), r.pixels())).toList();
            String name = ShardFormat.fileName(index);
            ShardSummary s = ShardWriter.write(entries, new Path(new Path(out, split), name), split + "/" + name, conf);
            shards.add(new DatasetManifest.Shard(split + "/" + s.file(), s.records(), s.bytes(), s.sha256()));
        }
        log.info("{}: {} records in {} shards", split, records.size(), shards.size());
        return new DatasetManifest.Split(records.size(), shards);
    }

    private DatasetManifest folders(FileSystem inFs, Path in, Supplier<JavaSparkContext> spark) throws IOException {
        Path valDir = settings.valDir() != null ? HadoopPaths.resolve(settings.valDir()) : new Path(in, "val");
        Path valLabels = settings.valLabels() != null ? HadoopPaths.resolve(settings.valLabels())
                : new Path(in, "LOC_val_solution.csv");
        FolderSource.Listing listing = new FolderSource(inFs).list(in, valDir, valLabels);
        log.info("{} classes, {} training and {} validation images listed ({} files skipped)", listing.classes().size(),
                listing.train().size(), listing.test().size(), listing.skipped().size());
        List<ShardPlan> plans = new ArrayList<>();
        plans.addAll(plan(DatasetManifest.TRAIN, listing.train()));
        plans.addAll(plan(DatasetManifest.TEST, listing.test()));

        JavaSparkContext sc = spark.get();
        List<ShardResult> results = new ArrayList<>(sc.parallelize(plans, plans.size())
                .map(new ShardConversion(new HadoopConf(conf))).collect());
        results.sort(Comparator.comparing(ShardResult::split).thenComparingInt(ShardResult::index));

        List<String> skipped = new ArrayList<>(listing.skipped());
        long[] sum = new long[DecodedImage.CHANNELS];
        long[] sumSq = new long[DecodedImage.CHANNELS];
        long pixels = 0;
        Map<String, List<DatasetManifest.Shard>> shards = new LinkedHashMap<>();
        shards.put(DatasetManifest.TRAIN, new ArrayList<>());
        shards.put(DatasetManifest.TEST, new ArrayList<>());
        int unreadable = 0;
        for (ShardResult r : results) {
            skipped.addAll(r.skipped());
            unreadable += r.skipped().size();
            ShardSummary s = r.shard();
            shards.get(r.split()).add(new DatasetManifest.Shard(r.split() + "/" + s.file(), s.records(), s.bytes(), s.sha256()));
            if (r.split().equals(DatasetManifest.TRAIN)) {
                for (int c = 0; c < sum.length; c++) {
                    sum[c] += r.sum()[c];
                    sumSq[c] += r.sumSquares()[c];
                }
                pixels += r.pixelsPerChannel();
            }
        }
        if (unreadable > settings.maxBadRecords()) {
            throw new InvalidDataException(unreadable + " unreadable images, more than --max-bad-records = "
                    + settings.maxBadRecords() + "; the first: " + results.stream().flatMap(r -> r.skipped().stream())
                    .findFirst().orElse(""));
        }
        Map<String, DatasetManifest.Split> splits = new LinkedHashMap<>();
        for (var e : shards.entrySet()) {
            splits.put(e.getKey(), new DatasetManifest.Split(e.getValue().stream().mapToLong(DatasetManifest.Shard::records).sum(),
                    e.getValue()));
        }
        if (pixels == 0) {
            throw new InvalidDataException(in + ": no readable training image");
        }
        Normalization norm = Normalization.fromSums(sum, sumSq, pixels);
        return new DatasetManifest(DatasetManifest.FORMAT, DatasetManifest.VERSION, settings.source().cliName(),
                RecordEncoding.IMAGE.manifestName(), DatasetManifest.RECORD_LAYOUT, listing.classes(),
                new DatasetManifest.Shape(DecodedImage.CHANNELS, 0, 0), norm.mean(), norm.std(), splits, skipped);
    }

    /** Consecutive files grouped into shards of at most the shard size (at least one file each). */
    private List<ShardPlan> plan(String split, List<ImageFile> files) {
        List<ShardPlan> plans = new ArrayList<>();
        String dir = new Path(out, split).toString();
        List<ImageFile> current = new ArrayList<>();
        long bytes = 0;
        for (ImageFile f : files) {
            long size = f.bytes() + RECORD_OVERHEAD;
            if (!current.isEmpty() && bytes + size > settings.shardBytes()) {
                plans.add(new ShardPlan(split, plans.size(), dir, List.copyOf(current)));
                current.clear();
                bytes = 0;
            }
            current.add(f);
            bytes += size;
        }
        if (!current.isEmpty()) {
            plans.add(new ShardPlan(split, plans.size(), dir, List.copyOf(current)));
        }
        return plans;
    }
}
