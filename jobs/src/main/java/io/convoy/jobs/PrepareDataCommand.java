package io.convoy.jobs;

import io.convoy.driver.config.ConfigValidationException;
import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.data.DatasetManifest;
import io.convoy.driver.data.prepare.PrepareData;
import io.convoy.driver.data.prepare.PrepareSettings;
import io.convoy.driver.data.prepare.SourceFormat;
import io.convoy.driver.spark.SparkContexts;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "prepare-data", mixinStandardHelpOptions = true,
        description = {"Convert a dataset into shards (Hadoop SequenceFiles of label + image bytes + record id) and",
                "dataset.json (classes, counts, shape, channel mean/std, SHA-256 per shard) for data.format = shards.",
                "CIFAR and MNIST are converted on the driver; image trees in parallel on Spark, one task per shard."},
        footer = {"", "Examples:",
                "  convoy prepare-data --source cifar10 --input /data/cifar-10-batches-bin --output hdfs://nn/data/cifar10",
                "  convoy prepare-data --source folders --input /data/imagenet --output hdfs://nn/data/imagenet --shard-size 256MB",
                "  (folders: train/<class>/*.JPEG; val/<class>/... or a flat val/ with LOC_val_solution.csv)"})
final class PrepareDataCommand implements Callable<Integer> {
    @Option(names = "--source", required = true, paramLabel = "cifar10|cifar100|mnist|folders", description = "Source format.")
    String source;

    @Option(names = "--input", required = true, paramLabel = "DIR", description = "Source directory (local path or Hadoop URI).")
    String input;

    @Option(names = "--output", required = true, paramLabel = "DIR",
            description = "Dataset directory to write (local path or Hadoop URI: file:///, hdfs://, s3a://).")
    String output;

    @Option(names = "--shard-size", defaultValue = "256MB", paramLabel = "SIZE",
            description = "Target shard size: bytes, or with KB/MB/GB (default: ${DEFAULT-VALUE}).")
    String shardSize;

    @Option(names = "--labels", defaultValue = "fine", paramLabel = "fine|coarse",
            description = "CIFAR-100: the 100 fine or the 20 coarse classes (default: ${DEFAULT-VALUE}).")
    String labels;

    @Option(names = "--val-dir", paramLabel = "DIR", description = "folders: validation directory (default: INPUT/val).")
    String valDir;

    @Option(names = "--val-labels", paramLabel = "FILE",
            description = "folders: labels of a flat validation folder, LOC_val_solution.csv form (default: INPUT/LOC_val_solution.csv).")
    String valLabels;

    @Option(names = "--max-bad-records", defaultValue = "10", paramLabel = "N",
            description = "folders: unreadable images skipped (each named in a warning and in dataset.json) before failing (default: ${DEFAULT-VALUE}).")
    int maxBadRecords;

    @Option(names = "--overwrite", description = "Replace the shards and dataset.json of a dataset already prepared in --output.")
    boolean overwrite;

    @Option(names = "--master", defaultValue = "local[*]", paramLabel = "URL",
            description = "Spark master for image trees when not started by spark-submit (default: ${DEFAULT-VALUE}).")
    String master;

    @Override
    public Integer call() throws Exception {
        SourceFormat format;
        try {
            format = SourceFormat.parse(source);
        } catch (IllegalArgumentException e) {
            throw new ConfigValidationException("--source " + source + ": " + e.getMessage());
        }
        if (!labels.equals("fine") && !labels.equals("coarse")) {
            throw new ConfigValidationException("--labels " + labels + ": expected fine or coarse");
        }
        if (maxBadRecords < 0) {
            throw new ConfigValidationException("--max-bad-records " + maxBadRecords + ": expected an integer >= 0");
        }
        PrepareSettings settings = new PrepareSettings(format, input, output, parseSize(shardSize), labels.equals("coarse"),
                valDir, valLabels, maxBadRecords, overwrite);
        JavaSparkContext[] sc = new JavaSparkContext[1];
        try {
            DatasetManifest m = new PrepareData(settings, new Configuration()).run(() -> {
                sc[0] = SparkContexts.create(new SparkSettings(master, "convoy prepare-data", Map.of()));
                return sc[0];
            });
            System.out.printf("%s: %s, %d classes, %d train / %d test records in %d / %d shards, %s records%s%n",
                    output, m.source(), m.classes().size(), m.splits().get(DatasetManifest.TRAIN).records(),
                    m.splits().get(DatasetManifest.TEST).records(), m.splits().get(DatasetManifest.TRAIN).shards().size(),
                    m.splits().get(DatasetManifest.TEST).shards().size(), m.encoding(),
                    m.skipped().isEmpty() ? "" : ", " + m.skipped().size() + " files skipped (listed in dataset.json)");
        } finally {
            if (sc[0] != null) {
                sc[0].close();
            }
        }
        return 0;
    }

    static long parseSize(String s) {
        Matcher m = Pattern.compile("(\\d+)\\s*([KMG]i?B?|B)?").matcher(s.trim().toUpperCase(Locale.ROOT));
        if (!m.matches() || Long.parseLong(m.group(1)) <= 0) {
            throw new ConfigValidationException("--shard-size " + s + ": expected a positive size such as 256MB, 64KB or 1000000");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).substring(0, 1);
        return switch (unit) {
            case "K" -> n << 10;
            case "M" -> n << 20;
            case "G" -> n << 30;
            default -> n;
        };
    }
}
