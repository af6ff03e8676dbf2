package io.convoy.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EpochMetricsTest {
    @TempDir
    Path tmp;

    @Test
    void aLineHasTheFieldsInTheOrderTrainingHasAlwaysWrittenThem() {
        Map<String, Double> diagnostics = new LinkedHashMap<>();
        diagnostics.put("compute_fraction", 0.8);
        diagnostics.put(EpochMetrics.EXECUTOR_RSS_MB, 900.0);
        EpochMetrics m = new EpochMetrics(2, 1.5, diagnostics, 0.4, 0.1, 12.0, 400.0, 0.3, 0.05, 0.9,
                new EpochMetrics.LossSamples(8, 16, 4, List.of(List.of(12.0, 1.6), List.of(16.0, 1.5))));
        assertEquals(List.of("epoch", "train_loss", "compute_fraction", "executor_rss_mb", "precise_bn_seconds", "lr",
                "epoch_seconds", "images_per_second", "top1_error", "top5_error", "test_nll", "iteration_start",
                "iteration_end", "loss_sample_every", "loss_samples"), List.copyOf(m.toJson().keySet()));
        assertEquals(List.of("train_loss", "compute_fraction", "executor_rss_mb", "precise_bn_seconds", "lr",
                "epoch_seconds", "images_per_second", "top1_error", "top5_error", "test_nll"),
                List.copyOf(m.checkpointMetrics().keySet()), "the manifest entry: the numbers, without epoch and samples");
        assertEquals(m, EpochMetrics.fromJson(m.toJson()));
    }

    @Test
    void anOlderLineReadsWithWhatItHas() {
        // a sharing epoch of a run before the probe's renaming: no loss, an unknown number, a note, NaN as Jackson writes it
        EpochMetrics m = EpochMetrics.fromJson(Map.of("epoch", 3, "lr", 0.1, "top1_error", "NaN",
                "executor_native_mb", 12.5, "note", "resumed"));
        assertEquals(3, m.epoch());
        assertNull(m.trainLoss());
        assertTrue(Double.isNaN(m.top1Error()));
        assertNull(m.top5Error());
        assertNull(m.lossSamples());
        assertEquals(12.5, m.diagnostic("executor_native_mb"));
        assertTrue(Double.isNaN(m.diagnostic(EpochMetrics.EXECUTOR_RSS_MB)));
        assertEquals(Map.of("epoch", 3, "lr", 0.1, "top1_error", Double.NaN, "executor_native_mb", 12.5), m.toJson(),
                "only the non-numeric note is dropped");
        assertThrows(IllegalArgumentException.class, () -> EpochMetrics.fromJson(Map.of("lr", 0.1)));
    }

    @Test
    void aBrokenLineOfMetricsJsonlIsLeftOutNotFatal() throws Exception {
        RunStore store = RunStore.create(tmp.toString(), "m", new Configuration());
        Files.writeString(Path.of(store.dir().toUri()).resolve(RunLayout.METRICS),
                "{\"epoch\": 1, \"lr\": 0.1}\n{\"epoch\": 2, \"lr\n{\"lr\": 0.1}\n\n{\"epoch\": 3, \"lr\": 0.01}\n",
                StandardCharsets.UTF_8);
        assertEquals(List.of(1, 3), store.readMetrics().stream().map(EpochMetrics::epoch).toList());
    }
}
