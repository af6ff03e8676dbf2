package io.convoy.driver.report;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.convoy.driver.HadoopPaths;
import io.convoy.driver.checkpoint.CheckpointInfo;
import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.ConfigKeys;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.Redaction;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.eval.ClassNames;
import io.convoy.driver.eval.EvaluationRecord;
import io.convoy.driver.eval.EvaluationResults;
import io.convoy.worker.augment.TestTimeAugmentation;
import io.convoy.zoo.InputShape;
import io.convoy.zoo.ParameterCounts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a report shows about one run, read from its directory: the resolved configuration,
 * the manifest, metrics.jsonl (one row per epoch), the evaluation results, and what follows from
 * them (best checkpoint, wall time, trainable parameters).
 */
public record RunData(String id, String dir, String configText, String model, String dataFormat, int epochsPlanned,
                      List<CheckpointInfo> manifest, List<EpochMetrics> epochs, List<EvaluationRecord> evaluations,
                      Optional<Long> trainableParams, Optional<Instant> started, Optional<PerClass> perClass) {
    private static final Logger log = LoggerFactory.getLogger(RunData.class);

    /** The best checkpoint by validation top-1 error: from `convoy evaluate` (centre view) where run, else from training. */
    public record Best(int epoch, double top1Error, double top5Error, String source) {
    }

    /** Per-class accuracy of the best checkpoint. */
    public record PerClass(int epoch, String source, List<String> classNames, double[] accuracy, long[] records,
                           long[][] confusion) {
    }

    public static RunData read(String location, Configuration hadoop) {
        RunStore store = RunStore.open(location, hadoop);
        FileSystem fs = HadoopPaths.fileSystem(store.dir(), hadoop);
        Config config = ConfigFactory.parseString(store.readConfig());
        // redacted again when shown: a run directory written before Convoy redacted secrets holds them in clear
        String configText = Redaction.of(config).render(config);
        // as the run recorded them (a key it lacks had its default); the model's name is shown as written, not
        // checked against today's zoo
        String model = config.hasPath(ConfigKeys.MODEL_NAME.path())
                ? config.getString(ConfigKeys.MODEL_NAME.path()) : ConfigKeys.MODEL_NAME.defaultValue();
        String format = ConfigKeys.DATA_FORMAT.savedOrDefault(config).name().toLowerCase(java.util.Locale.ROOT);
        int planned = ConfigKeys.TRAIN_EPOCHS.savedOrDefault(config);
        List<CheckpointInfo> manifest = store.manifest();
        List<EpochMetrics> epochs = store.readMetrics();
        List<EvaluationRecord> evaluations = new EvaluationResults(fs, store).all();
        Optional<Instant> started = Optional.empty();
        try {
            started = Optional.of(store.configWritten());
        } catch (IOException e) {
            log.warn("cannot read the start time of {}: {}", store.dir(), e.toString());
        }
        RunData partial = new RunData(EvaluationResults.runId(store), EvaluationResults.runDir(store), configText, model, format, planned, manifest,
                epochs, evaluations, Optional.empty(), started, Optional.empty());
        return new RunData(partial.id, partial.dir, configText, model, format, planned, manifest, epochs, evaluations,
                trainableParams(store, fs, evaluations, manifest, format),
                started, perClass(partial, store, configText, hadoop));
    }

    /** Wall time from the run's start (config.conf written) to its last checkpoint. */
    public Optional<Duration> wallTime() {
        if (started.isEmpty() || manifest.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Duration.between(started.get(), Instant.parse(manifest.get(manifest.size() - 1).time())));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** Seconds spent in the training epochs (sum of epoch_seconds). */
    public double trainingSeconds() {
        return epochs.stream().mapToDouble(r -> EpochMetrics.orNaN(r.epochSeconds())).filter(v -> !Double.isNaN(v)).sum();
    }

    public int epochsDone() {
        return manifest.stream().mapToInt(CheckpointInfo::epoch).max().orElse(epochs.size());
    }

    /** Validation errors by epoch: from a centre-view evaluation result where there is one, else from training's. */
    public Map<Integer, double[]> validationByEpoch() {
        Map<Integer, double[]> out = new java.util.TreeMap<>();
        for (EpochMetrics r : epochs) {
            double t1 = EpochMetrics.orNaN(r.top1Error());
            if (!Double.isNaN(t1)) {
                out.put(r.epoch(), new double[] {t1, EpochMetrics.orNaN(r.top5Error())});
            }
        }
        for (CheckpointInfo c : manifest) {
            double t1 = c.top1Error();
            if (!Double.isNaN(t1) && !out.containsKey(c.epoch())) {
                out.put(c.epoch(), new double[] {t1, c.top5Error()});
            }
        }
        for (EvaluationRecord e : centreEvaluations()) {
            out.put(e.epoch(), new double[] {e.top1Error(), e.top5Error()});
        }
        return out;
    }

    public List<EvaluationRecord> centreEvaluations() {
        return evaluations.stream().filter(e -> TestTimeAugmentation.CENTRE.label().equals(e.tta())).toList();
    }

    public Optional<Best> best() {
        Map<Integer, Boolean> evaluated = new LinkedHashMap<>();
        centreEvaluations().forEach(e -> evaluated.put(e.epoch(), true));
        return validationByEpoch().entrySet().stream()
                .filter(e -> !Double.isNaN(e.getValue()[0]))
                .min(Comparator.comparingDouble((Map.Entry<Integer, double[]> e) -> e.getValue()[0]).thenComparingInt(Map.Entry::getKey))
                .map(e -> new Best(e.getKey(), e.getValue()[0], e.getValue()[1],
                        evaluated.containsKey(e.getKey()) ? "convoy evaluate" : "training"));
    }

    /** From an evaluation result (exact), else counted from the newest checkpoint's saved graph for the data's image shape. */
    private static Optional<Long> trainableParams(RunStore store, FileSystem fs, List<EvaluationRecord> evaluations,
                                                  List<CheckpointInfo> manifest, String format) {
        for (EvaluationRecord e : evaluations) {
            if (e.trainableParams() > 0) {
                return Optional.of(e.trainableParams());
            }
        }
        InputShape shape = switch (format) {
            case "mnist" -> new InputShape(1, 28, 28);
            case "cifar10" -> new InputShape(3, 32, 32);
            default -> null;
        };
        if (shape == null || manifest.isEmpty()) {
            return Optional.empty();
        }
        for (int i = manifest.size() - 1; i >= 0; i--) {
            Path zip = new Path(store.dir(), manifest.get(i).file());
            try (InputStream raw = fs.open(zip); ZipInputStream in = new ZipInputStream(raw)) {
                for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                    if (e.getName().equals("configuration.json")) {
                        String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        return Optional.of(ParameterCounts.trainable(ComputationGraphConfiguration.fromJson(json), shape));
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.debug("cannot count parameters from {}: {}", zip, e.toString());
            }
        }
        return Optional.empty();
    }

    private static Optional<PerClass> perClass(RunData run, RunStore store, String configText, Configuration hadoop) {
        Optional<Best> best = run.best();
        if (best.isEmpty()) {
            return Optional.empty();
        }
        int epoch = best.get().epoch();
        for (EvaluationRecord e : run.centreEvaluations()) {
            if (e.epoch() == epoch && e.perClassAccuracy() != null) {
                return Optional.of(new PerClass(epoch, "convoy evaluate", e.classNames(), e.perClassAccuracy(),
                        e.perClassRecords(), e.confusionMatrix()));
            }
        }
        // training evaluates its last epoch and keeps the details in eval-latest.json
        try {
            if (epoch == run.epochsDone() && store.has(RunLayout.EVAL_LATEST)) {
                EvaluationRecord.Scores latest = store.readJson(RunLayout.EVAL_LATEST, EvaluationRecord.Scores.class);
                double[] a = latest.perClassAccuracy();
                if (a != null) {
                    List<String> names;
                    try {
                        RunConfig c = ConfigLoader.savedForReading(configText, RunLayout.CONFIG);
                        names = ClassNames.of(c.data(), a.length, hadoop);
                    } catch (RuntimeException e) {
                        names = java.util.stream.IntStream.range(0, a.length).mapToObj(i -> "class " + i).toList();
                    }
                    return Optional.of(new PerClass(epoch, "training's final evaluation", names, a, latest.perClassRecords(),
                            latest.confusionMatrix()));
                }
            }
        } catch (RuntimeException e) {
            log.warn("cannot read {} of {}: {}", RunLayout.EVAL_LATEST, EvaluationResults.runId(store), e.toString());
        }
        return Optional.empty();
    }
}
