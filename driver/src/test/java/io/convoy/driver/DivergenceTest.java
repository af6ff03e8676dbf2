package io.convoy.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.train.TrainingDivergedException;
import io.convoy.driver.train.TrainingRun;
import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A run whose loss blows up stops with a clear error before writing a checkpoint of the broken network. */
class DivergenceTest {
    @TempDir
    Path tmp;

    @Test
    void aNanLossStopsTheRunWithoutACheckpoint() throws Exception {
        Path data = tmp.resolve("digits");
        SyntheticImages.writeMnistDir(data, 128, 16, 4);
        TrainingRun run = new TrainingRun(ConfigLoader.load(null, List.of("data.format=mnist", "data.path=" + data,
                "run.dir=" + tmp.resolve("runs"), "model.name=resnet8", "train.epochs=2", "train.workers=1",
                "train.batch-size-per-worker=32", "train.optimizer.lr=1e12", "train.optimizer.momentum=0",
                "spark.master=local[1]", "spark.conf.spark.ui.enabled=false")));
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class, run::run);
        assertTrue(e.getMessage().contains("epoch 1") && e.getMessage().contains("last good checkpoint"), e.getMessage());
        Path runDir;
        try (Stream<Path> dirs = Files.list(tmp.resolve("runs"))) {
            runDir = dirs.findFirst().orElseThrow();
        }
        assertEquals(List.of(), RunStore.open(runDir.toString(), new Configuration()).manifest());
    }
}
