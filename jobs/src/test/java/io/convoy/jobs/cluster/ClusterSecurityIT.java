package io.convoy.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.SyntheticImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Convoy on a standalone cluster whose Master and Workers require Spark's authentication (spark.authenticate with a
 * shared secret) and encrypt RPC (spark.network.crypto.enabled): a submit with the secret and with I/O encryption
 * (spark.io.encryption.enabled) trains and evaluates; a submit with a wrong secret or none is refused with an error
 * that says so, within a bounded time.
 */
@Tag("slow")
class ClusterSecurityIT {
    @TempDir
    static Path tmp;
    static LocalStandaloneCluster cluster;
    static Path data;
    static String secret;

    @BeforeAll
    static void startCluster() throws Exception {
        data = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(data, 1, 120, 40, 5);
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        secret = HexFormat.of().formatHex(key);
        cluster = LocalStandaloneCluster.start(Path.of("target/convoy.jar"), tmp.resolve("spark"), 2, 1, "2g",
                Map.of("spark.authenticate", "true", "spark.authenticate.secret", secret,
                        "spark.network.crypto.enabled", "true"), Duration.ofMinutes(2));
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Map<String, String> driverConf(String withSecret) {
        Map<String, String> conf = new LinkedHashMap<>();
        conf.put("spark.authenticate", "true");
        if (withSecret != null) {
            conf.put("spark.authenticate.secret", withSecret);
        }
        conf.put("spark.network.crypto.enabled", "true");
        conf.put("spark.io.encryption.enabled", "true");
        return conf;
    }

    private static LocalStandaloneCluster.Submission submit(Path properties, List<String> convoyArgs, Duration timeout) {
        List<String> spark = new java.util.ArrayList<>(List.of("--total-executor-cores", "2", "--executor-memory", "1g",
                "--conf", "spark.executor.cores=1"));
        if (properties != null) {
            spark.addAll(List.of("--properties-file", properties.toString()));
        }
        return cluster.submit(spark, convoyArgs, timeout);
    }

    private static Path conf(String name) throws Exception {
        Path conf = tmp.resolve(name + ".conf");
        Files.writeString(conf, String.join("\n",
                "model { name = resnet8, width = 0.5 }",
                "data { format = cifar10 }",
                "train { epochs = 1, batch-size-per-worker = 20, workers = 2, optimizer.lr = 0.05 }",
                "run { dir = \"" + tmp.resolve("runs") + "\", name = " + name + " }"));
        return conf;
    }

    @Test
    void trainsAndEvaluatesWithAuthenticationAndBothEncryptionsOn() throws Exception {
        Path props = cluster.writeProperties("driver-ok", driverConf(secret));
        LocalStandaloneCluster.Submission s = submit(props, List.of("train", conf("secure").toString(),
                "data.path=" + data), Duration.ofMinutes(6));
        assertEquals(0, s.exitCode(), s.output());
        assertTrue(s.output().contains("test: 40 records"), s.output());
        Path runDir;
        try (Stream<Path> dirs = Files.list(tmp.resolve("runs"))) {
            runDir = dirs.filter(d -> d.getFileName().toString().startsWith("secure-")).findFirst().orElseThrow();
        }
        LocalStandaloneCluster.Submission e = submit(props, List.of("evaluate", "--run", runDir.toString(),
                "data.path=" + data), Duration.ofMinutes(4));
        assertEquals(0, e.exitCode(), e.output());
        assertTrue(e.output().contains("checkpoints/epoch-0001.zip (epoch 1): 40 records"), e.output());
        assertFalse(s.output().contains(secret) || e.output().contains(secret), "the secret is not printed");
        try (Stream<Path> files = Files.walk(runDir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains(secret),
                        f.toString());
            }
        }
    }

    @Test
    void aWrongSecretIsRefusedWithAClearErrorNotAHang() throws Exception {
        Path props = cluster.writeProperties("driver-wrong", driverConf("0123456789abcdef0123456789abcdef"));
        long start = System.nanoTime();
        LocalStandaloneCluster.Submission s = submit(props, List.of("train", conf("wrong").toString(),
                "data.path=" + data), Duration.ofMinutes(4));
        double seconds = (System.nanoTime() - start) / 1e9;
        assertNotEquals(124, s.exitCode(), "killed by the test's timeout: " + s.output());
        assertEquals(2, s.exitCode(), s.output());
        assertTrue(s.output().contains("spark.authenticate.secret"), s.output());
        assertTrue(s.output().contains(cluster.masterUrl()), s.output());
        assertTrue(seconds < 150, "refused after " + seconds + " s");
    }

    @Test
    void aSubmitWithoutAuthenticationIsRefusedWithAClearError() throws Exception {
        LocalStandaloneCluster.Submission s = submit(null, List.of("train", conf("none").toString(),
                "data.path=" + data), Duration.ofMinutes(4));
        assertNotEquals(124, s.exitCode(), "killed by the test's timeout: " + s.output());
        assertEquals(2, s.exitCode(), s.output());
        assertTrue(s.output().contains("spark.authenticate"), s.output());
        assertTrue(s.output().contains(cluster.masterUrl()), s.output());
    }
}
