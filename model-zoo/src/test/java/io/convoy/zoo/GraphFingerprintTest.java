package io.convoy.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.convoy.zoo.fast.FastPath;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Every registered model and a few pattern names build the graph they built when the fingerprints were
 * taken: the same family, description and published figure, the same trainable parameters, and the same
 * number of vertices and configuration JSON (a hash of it) at width 0.25, with the fast path on and off.
 * Checkpoints store that JSON and Convoy finds vertices by name, so a refactoring of the builders must leave
 * it as it was.
 * After a deliberate change to a model, replace {@code graph-fingerprints.tsv} with the file this test writes
 * to {@code target/graph-fingerprints.actual.tsv}, and say in the commit why the graphs changed.
 */
class GraphFingerprintTest {
    private static final String[] PATTERN_NAMES = {"resnet8", "resnet14_b", "resnet14_c", "plain8",
            "resnet8_stochastic_depth", "resnet8_full_preactivation", "resnet8_relu_only_preactivation",
            "resnet8_exclusive_gating", "resnet20_identity", "wrn_10_2", "wrn_16_4_dropout", "densenet_bc_40_12",
            "densenet_7_4", "fractalnet_b3_c3", "fractalnet_b2_c2_as_released"};
    private static final double WIDTH = 0.25;

    /** Convoy's fast-path switches: the fingerprints are taken with all on (the default) and with all off. */
    private static final String[] SWITCHES = {FastPath.CACHE_MODE, FastPath.BATCHNORM, FastPath.FUSE_RELU,
            FastPath.ADD_RELU, FastPath.ZERO_PAD_SHORTCUT};

    static List<String> fingerprints() {
        List<String> lines = new ArrayList<>();
        Stream.concat(ModelZoo.entries().keySet().stream(), Stream.of(PATTERN_NAMES)).forEach(name -> {
            ModelEntry e = ModelZoo.entry(name);
            ModelRequest r = new ModelRequest(e.referenceInput(), e.referenceClasses(), 42, new Nesterovs(0.1, 0.9), 1e-4, WIDTH);
            ComputationGraphConfiguration fast = e.build(r);
            ComputationGraphConfiguration dl4j;
            for (String s : SWITCHES) {
                System.setProperty(s, "false");
            }
            try {
                dl4j = e.build(r);
            } finally {
                for (String s : SWITCHES) {
                    System.clearProperty(s);
                }
            }
            lines.add(String.join("\t", name, e.family(), e.publishedFigure(),
                    Long.toString(ParameterCounts.trainable(fast, e.referenceInput())),
                    fast.getVertices().size() + " " + sha256(fast.toJson()).substring(0, 16),
                    dl4j.getVertices().size() + " " + sha256(dl4j.toJson()).substring(0, 16), e.description()));
        });
        return lines;
    }

    @Test
    void everyModelBuildsTheGraphItBuiltBefore() throws IOException {
        List<String> actual = fingerprints();
        Path written = Path.of("target", "graph-fingerprints.actual.tsv");
        Files.createDirectories(written.getParent());
        Files.write(written, actual, StandardCharsets.UTF_8);
        List<String> expected;
        try (InputStream in = GraphFingerprintTest.class.getResourceAsStream("graph-fingerprints.tsv")) {
            assertNotNull(in, "graph-fingerprints.tsv is missing; this run's are in " + written);
            expected = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
        // one line at a time, so a failure names the model
        for (int i = 0; i < Math.min(expected.size(), actual.size()); i++) {
            assertEquals(expected.get(i), actual.get(i), "model " + i + " (this run's fingerprints: " + written + ")");
        }
        assertEquals(expected.size(), actual.size(), "number of models (this run's fingerprints: " + written + ")");
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
