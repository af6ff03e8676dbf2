package io.convoy.driver.eval;

import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.data.DatasetLoader;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.ImageSplit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/** Evaluates a checkpoint of a run on the test split of the run's data and records the result in the run directory. */
public final class EvaluationRun {
    private final String runDir;
    private final String checkpoint;
    private final List<String> overrides;

    /** @param overrides config overrides on top of the run's saved configuration (e.g. data.path, spark.master) */
    public EvaluationRun(String runDir, String checkpoint, List<String> overrides) {
        this.runDir = runDir;
        this.checkpoint = checkpoint;
        this.overrides = overrides;
    }

    public record Result(RunStore.Loaded checkpoint, EvalCounts counts) {
    }

    public Result run() {
        Configuration hadoop = new Configuration();
        RunStore store = RunStore.open(runDir, hadoop);
        RunConfig config = ConfigLoader.fromSaved(store.readConfig(), runDir + "/config.conf", overrides);
        RunStore.Loaded loaded = store.load(checkpoint);
        ImageSplit test = new DatasetLoader(config.data(), hadoop).load(DatasetLoader.Split.TEST);
        Normalization norm = store.readJson("normalization.json", Normalization.class);
        EvalCounts counts;
        try (JavaSparkContext sc = SparkContexts.create(config.spark())) {
            int partitions = sc.defaultParallelism();
            counts = Evaluator.evaluate(sc, loaded.net(), sc.parallelize(test.records(), partitions), test, norm,
                    config.eval().batchSize());
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("checkpoint", loaded.info().file());
        out.put("epoch", loaded.info().epoch());
        out.putAll(counts.toMap());
        store.writeJson(String.format("eval-epoch-%04d.json", loaded.info().epoch()), out);
        return new Result(loaded, counts);
    }

}
