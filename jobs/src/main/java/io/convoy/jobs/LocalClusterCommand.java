package io.convoy.jobs;

import io.convoy.jobs.cluster.LocalStandaloneCluster;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "local-cluster", mixinStandardHelpOptions = true,
        description = {"Start a Spark standalone cluster on 127.0.0.1 (a Master and Workers, each its own JVM,",
                "from this jar: no Spark download) and keep it up until Ctrl-C. Submit to it with spark-submit",
                "or with this jar's SparkSubmit, as printed at start."})
final class LocalClusterCommand implements Callable<Integer> {
    @Option(names = "--workers", defaultValue = "2", description = "Worker JVMs (default: ${DEFAULT-VALUE}).")
    int workers;

    @Option(names = "--cores", defaultValue = "1", description = "Cores each Worker offers (default: ${DEFAULT-VALUE}).")
    int cores;

    @Option(names = "--memory", defaultValue = "3g", description = "Memory each Worker offers (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--dir", defaultValue = ".convoy-cluster",
            description = "SPARK_HOME, logs and work directories (default: ${DEFAULT-VALUE}).")
    Path dir;

    @Override
    public Integer call() throws Exception {
        if (workers < 1 || cores < 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--workers and --cores must be >= 1, got " + workers + " and " + cores);
        }
        Path jar = runningJar();
        CountDownLatch stop = new CountDownLatch(1);
        try (LocalStandaloneCluster cluster = LocalStandaloneCluster.start(jar, dir, workers, cores, memory,
                Duration.ofMinutes(2))) {
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                cluster.close();
                stop.countDown();
            }));
            System.out.printf("master %s (UI %s), %d workers x %d cores; logs in %s%n", cluster.masterUrl(),
                    cluster.masterUi(), workers, cores, cluster.home().resolve("logs"));
            System.out.printf("submit: java %s -cp %s org.apache.spark.deploy.SparkSubmit --master %s "
                            + "--class io.convoy.jobs.ConvoyCli --conf spark.driver.host=127.0.0.1 %s train CONFIG ...%n",
                    String.join(" ", LocalStandaloneCluster.jvmOptions()), jar, cluster.masterUrl(), jar);
            System.out.println("Ctrl-C stops the cluster.");
            System.out.flush();
            stop.await();
        }
        return 0;
    }

    private static Path runningJar() throws URISyntaxException {
        Path p = Path.of(ConvoyCli.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        if (!Files.isRegularFile(p) || !p.toString().endsWith(".jar")) {
            throw new picocli.CommandLine.ExecutionException(new picocli.CommandLine(new LocalClusterCommand()),
                    "local-cluster runs from the shaded jar (./convoy local-cluster), not from " + p);
        }
        return p;
    }
}
