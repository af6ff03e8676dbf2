package io.convoy.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.data.prepare.PrepareData;
import io.convoy.driver.data.prepare.PrepareSettings;
import io.convoy.driver.data.prepare.SourceFormat;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.driver.train.TrainResult;
import io.convoy.driver.train.TrainingRun;
import io.convoy.worker.data.SyntheticImages;
import io.convoy.worker.data.shard.ShardRecord;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14: a dataset of more than 1,000 tiny shards is written by prepare-data, verified, assigned each epoch and
 * trained on, with the shards read by a few tasks per core rather than a task each.
 */
class ManyShardsTest {
    @TempDir
    Path tmp;

    @Test
    void aThousandShardsPrepareVerifyPlanAndTrain() throws Exception {
        Path src = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(src, 5, 400, 100, 21);
        Path out = tmp.resolve("shards");
        try (JavaSparkContext sc = SparkContexts.create(new SparkSettings("local[2]", "many-shards",
                Map.of("spark.ui.enabled", "false")))) {
            // two 3,072-byte records a shard
            DatasetManifest m = new PrepareData(new PrepareSettings(SourceFormat.CIFAR10, src.toString(), out.toString(),
                    2 * 3100, false, null, null, 10, false), new Configuration()).run(() -> sc);
            int shards = m.splits().get(DatasetManifest.TRAIN).shards().size();
            assertEquals(1000, shards, "2,000 training records, two a shard");
            assertEquals(50, m.splits().get(DatasetManifest.TEST).shards().size());

            ShardTrainingData data = ShardTrainingData.open(ShardPipelineTest.shards(out, 2, "auto", 0, 224),
                    new Configuration());
            data.verifyChecksums(sc);
            JavaRDD<ShardRecord> records = data.records(sc, DatasetManifest.TRAIN, data.trainSize());
            assertEquals(8, records.getNumPartitions(), "4 read tasks per core on local[2], not one per shard");
            List<List<ShardRecord>> assigned = data.assign(sc, 1, 2, 7).glom().collect();
            Set<Long> seen = new HashSet<>();
            assigned.forEach(p -> p.forEach(r -> assertTrue(seen.add(r.id()), "record " + r.id() + " once")));
            assertEquals(2000, seen.size());
            assertEquals(List.of(1000, 1000), assigned.stream().map(List::size).toList());

            TrainResult r = new TrainingRun(ConfigLoader.load(null, List.of("data.format=shards", "data.path=" + out,
                    "run.dir=" + tmp.resolve("runs"), "model.name=resnet8", "model.width=0.5", "train.epochs=2",
                    "train.batch-size-per-worker=32", "train.workers=2", "train.optimizer.lr=0.05",
                    "train.lr-schedule.type=constant", "spark.master=local[2]"))).run(sc);
            assertEquals(2, r.epochs().size());
            assertTrue(r.finalEval().top1Error() < 0.6, "above chance (0.9): " + r.finalEval().top1Error());
        }
    }
}
