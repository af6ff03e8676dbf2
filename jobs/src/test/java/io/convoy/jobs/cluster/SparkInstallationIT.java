package io.convoy.jobs.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.spark.JvmFlags;
import io.convoy.driver.train.sharing.AeronDirectories;
import io.convoy.worker.data.SyntheticImages;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin application jar (target/convoy-app.jar) as a cluster runs it: a Spark installation whose jars/ holds Spark
 * 3.5's own jars (target/spark-home, resolved by spark-home/pom.xml, with none of Convoy's), a Master and two Workers
 * started from that class path, and the job submitted through SparkSubmit from the same class path with the flags
 * the jar lists. The jar must bring everything Convoy needs beyond Spark, and nothing Spark already ships.
 */
@Tag("slow")
class SparkInstallationIT {
    private static final Path SPARK_HOME = Path.of("target/spark-home");
    private static final Path APP_JAR = Path.of("target/convoy-app.jar");
    private static final Path SELF_CONTAINED_JAR = Path.of("target/convoy.jar");
    /**
     * Packages of which Convoy resolves another version than Spark 3.5 ships (commons-lang3 3.17 / 3.12, gson 2.8 /
     * 2.10, JavaBeans Activation 1.2 / 1.1): the thin jar leaves them to Spark, whose copy wins on a cluster's
     * class path anyway, so classes only Convoy's version has are in neither.
     */
    private static final List<String> SPARKS_VERSION_WINS = List.of("org/apache/commons/lang3/", "com/google/gson/",
            "javax/activation/");

    @TempDir
    static Path tmp;
    static Set<String> aeronBefore;

    @BeforeAll
    static void snapshotAeron() {
        aeronBefore = AeronDirectories.snapshot();
    }

    @AfterAll
    static void nothingLeftBehind() throws Exception {
        ClusterRuns.assertNothingLeftBehind(aeronBefore);
    }

    @Test
    void theApplicationJarHoldsWhatSparkLacksAndNothingItShips() throws IOException {
        Set<String> spark = new HashSet<>();
        for (Path jar : sparkJars()) {
            spark.addAll(classes(jar));
        }
        Set<String> app = classes(APP_JAR);
        assertTrue(spark.contains("org/apache/spark/deploy/SparkSubmit.class"), "no SparkSubmit in " + SPARK_HOME);

        Set<String> both = new TreeSet<>(app);
        both.retainAll(spark);
        assertEquals(Set.of(), both, APP_JAR + " carries classes that " + SPARK_HOME + "/jars already ships");

        Set<String> lacking = new TreeSet<>(classes(SELF_CONTAINED_JAR));
        lacking.removeAll(app);
        lacking.removeAll(spark);
        lacking.removeIf(c -> SPARKS_VERSION_WINS.stream().anyMatch(c::startsWith));
        assertEquals(Set.of(), lacking, "classes of " + SELF_CONTAINED_JAR + " in neither " + APP_JAR + " nor Spark's jars");

        // what it is for: Convoy, DL4J's Spark training and gradient sharing, ND4J's natives
        assertTrue(app.contains("io/convoy/jobs/ConvoyCli.class"));
        assertTrue(app.contains("org/deeplearning4j/spark/parameterserver/training/SharedTrainingMaster.class"));
        assertTrue(app.contains("io/aeron/Aeron.class"));
        try (ZipFile zip = new ZipFile(APP_JAR.toFile())) {
            // libnd4jcpu.so (or libnd4jcuda.so under -Pcuda)
            assertTrue(zip.stream().anyMatch(e -> e.getName().contains("/libnd4j") && e.getName().endsWith(".so")),
                    "no ND4J native library in " + APP_JAR);
        }
        assertEquals(JvmFlags.flags(), JvmFlags.inJar(APP_JAR));
    }

    @Test
    void trainsAndEvaluatesThroughSparkSubmitOnSparksOwnJars() throws Exception {
        assertTrue(sparkJars().stream().noneMatch(j -> j.getFileName().toString().startsWith("convoy")),
                "Convoy's jar in " + SPARK_HOME + "/jars: " + sparkJars());
        Path data = tmp.resolve("cifar");
        SyntheticImages.writeCifar10Dir(data, 2, 300, 200, 31);
        Path conf = ClusterRuns.runFile(tmp, "thin", "sharing", 2, tmp.resolve("runs"));
        try (LocalStandaloneCluster cluster = LocalStandaloneCluster.startOnInstallation(SPARK_HOME, APP_JAR,
                tmp.resolve("cluster"), 2, 1, "2g", Duration.ofMinutes(2))) {
            LocalStandaloneCluster.Submission trained = cluster.submit(ClusterRuns.SPARK_ARGS,
                    List.of("train", conf.toString(), "data.path=" + data), Duration.ofMinutes(8));
            double error = ClusterRuns.testTopOneError(trained, 200);
            System.out.printf("thin jar on Spark's own jars, sharing, 2 executor JVMs, 2 epochs: top-1 error %.2f%%%n",
                    error);
            // both executor JVMs trained (gradient sharing over Aeron, from the thin jar's classes); chance is 90%
            assertTrue(trained.output().contains("executors sampled 2:"), trained.output());
            assertTrue(error < 30, "top-1 error " + error + "%\n" + trained.output());

            Path run = onlyRun(tmp.resolve("runs"));
            LocalStandaloneCluster.Submission evaluated = cluster.submit(ClusterRuns.SPARK_ARGS,
                    List.of("evaluate", "--run", run.toString(), "--checkpoint", "latest"), Duration.ofMinutes(4));
            assertEquals(0, evaluated.exitCode(), evaluated.output());
            assertTrue(evaluated.output().contains("(epoch 2): 200 records"), evaluated.output());
        }
    }

    private static Path onlyRun(Path runs) throws IOException {
        try (Stream<Path> dirs = Files.list(runs)) {
            List<Path> all = dirs.toList();
            assertEquals(1, all.size(), all.toString());
            return all.get(0);
        }
    }

    private static List<Path> sparkJars() throws IOException {
        Path jars = SPARK_HOME.resolve("jars");
        assertTrue(Files.isDirectory(jars), jars + " is missing: the build makes it before the integration tests");
        try (Stream<Path> list = Files.list(jars)) {
            return list.filter(p -> p.toString().endsWith(".jar")).sorted().toList();
        }
    }

    /** A jar's class entries, but module descriptors, which every modular jar has under the same name. */
    private static Set<String> classes(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            Set<String> out = new HashSet<>();
            zip.stream().map(e -> e.getName())
                    .filter(n -> n.endsWith(".class") && !n.endsWith("module-info.class"))
                    .forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + jar, e);
        }
    }
}
