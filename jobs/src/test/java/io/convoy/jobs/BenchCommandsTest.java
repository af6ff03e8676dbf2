package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** The JSON lines bench/run.py reads, from tiny sizes (the figures themselves are measured by bench/run.py). */
class BenchCommandsTest {
    private static JsonNode lastJson(String out) throws Exception {
        String[] lines = out.strip().split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    @Test
    void benchPeakReportsGemmAndConvolutionRates() throws Exception {
        JsonNode j = lastJson(ModelsCommandTest.run(0, "bench-peak", "--gemm", "64", "--conv", "2x8x8x8", "--reps", "1",
                "--json"));
        assertEquals(64, j.get("gemm_n").asInt());
        assertTrue(j.get("gemm_gflops").asDouble() > 0 && j.get("conv3x3_gflops").asDouble() > 0, j.toString());
        ModelsCommandTest.run(2, "bench-peak", "--conv", "8x8x8");
    }

    @Test
    void benchTrainReportsThroughputWithCountsAndProfiles() throws Exception {
        JsonNode j = lastJson(ModelsCommandTest.run(0, "bench-train", "--model", "resnet8", "--input", "1x28x28",
                "--batch", "4", "--warmup", "1", "--windows", "2", "--window-batches", "1", "--width-multiplier", "0.5",
                "--profile", "--json"));
        assertEquals("resnet8", j.get("model").asText());
        assertEquals(0.5, j.get("width").asDouble());
        assertEquals(2, j.get("windows").size());
        assertTrue(j.get("median_img_s").asDouble() > 0, j.toString());
        // the same counts `convoy models` prints for that width and input
        String models = ModelsCommandTest.run(0, "models", "--input", "1x28x28", "--width-multiplier", "0.5", "resnet8");
        assertTrue(models.contains(String.format("%,d", j.get("params").asLong())), models + "\n" + j);
        assertTrue(models.contains(String.format("%,d", j.get("multiply_adds").asLong())), models + "\n" + j);
    }

    @Test
    void benchTrainAgainstBuildsTheSecondNetWithThePropertiesAndRestoresThem() throws Exception {
        JsonNode j = lastJson(ModelsCommandTest.run(0, "bench-train", "--model", "resnet8", "--input", "1x28x28",
                "--batch", "4", "--warmup", "1", "--windows", "2", "--window-batches", "1", "--width-multiplier", "0.5",
                "--against", "convoy.fast.batchnorm=false,convoy.fast.zero-pad-shortcut=false,convoy.fast.add-relu=false", "--json"));
        assertTrue(j.get("a_img_s").asDouble() > 0 && j.get("b_img_s").asDouble() > 0, j.toString());
        assertEquals(j.get("b_img_s").asDouble() / j.get("a_img_s").asDouble(), j.get("b_over_a").asDouble(), 0.01, j.toString());
        // A: Convoy's defaults (FastBatchNorm, option-A vertices); B: DL4J's layers only
        assertTrue(j.get("a_fast_path_vertices").asLong() > 0, j.toString());
        assertEquals(0, j.get("b_fast_path_vertices").asLong(), j.toString());
        assertEquals(null, System.getProperty("convoy.fast.batchnorm"), "the property is restored after B is built");
    }
}
