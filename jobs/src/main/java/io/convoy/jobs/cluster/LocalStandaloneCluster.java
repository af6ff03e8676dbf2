package io.convoy.jobs.cluster;

import io.convoy.driver.spark.JvmFlags;
import io.convoy.driver.train.sharing.AeronDirectories;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark standalone cluster on 127.0.0.1 made of separate JVMs (one Master, N Workers, and the executors the
 * Workers fork). {@link #start} runs it from Convoy's self-contained jar, with no Spark download: {@code SPARK_HOME}
 * is a small directory whose {@code jars/} holds a link to that jar, which is all a Worker needs to build executor
 * command lines. {@link #startOnInstallation} runs it as a real cluster is run: from a Spark installation's
 * {@code jars/}, with Convoy's thin application jar submitted to it. Jobs go in through Spark's own submit entry
 * point ({@code org.apache.spark.deploy.SparkSubmit}, the class behind {@code spark-submit}), run from the same
 * {@code jars/}. {@link #close()} stops every process it started, executors included, and removes the Aeron
 * directories that appeared in /dev/shm meanwhile.
 */
public final class LocalStandaloneCluster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LocalStandaloneCluster.class);
    private static final String HOST = "127.0.0.1";

    /** Logs, conf and the Workers' work directories. */
    private final Path home;
    /** SPARK_HOME: its jars/ is the class path of the Master, the Workers, the executors and SparkSubmit. */
    private final Path sparkHome;
    /** The application jar given to SparkSubmit. */
    private final Path jar;
    /** The JVM options of every JVM started here: the flags the application jar lists ({@link JvmFlags#inJar}). */
    private final List<String> flags;
    private final int masterPort;
    private final int masterUiPort;
    private final Process master;
    private final int coresPerWorker;
    private final String memoryPerWorker;
    private final List<Process> workers = new ArrayList<>();
    /** Spark settings of the Master and Workers (e.g. spark.authenticate and its secret), or null for none. */
    private final Path daemonProperties;
    private final Set<String> aeronBefore = AeronDirectories.snapshot();

    /**
     * Starts the Master and {@code workers} Workers and waits until all have registered.
     *
     * @param jar           Convoy's shaded jar
     * @param home          an empty or reusable directory for SPARK_HOME, logs and work directories
     * @param coresPerWorker cores each Worker offers
     * @param memoryPerWorker memory each Worker offers, Spark syntax ("2g")
     */
    public static LocalStandaloneCluster start(Path jar, Path home, int workers, int coresPerWorker,
                                               String memoryPerWorker, Duration timeout) {
        return start(jar, home, workers, coresPerWorker, memoryPerWorker, Map.of(), timeout);
    }

    /**
     * As {@link #start(Path, Path, int, int, String, Duration)}, the Master and Workers started with these Spark
     * settings, e.g. {@code spark.authenticate=true} and {@code spark.authenticate.secret}. They go to the daemons in a
     * properties file only the owner can read ({@code --properties-file}), not on their command lines, which every
     * user of the machine can list.
     */
    public static LocalStandaloneCluster start(Path jar, Path home, int workers, int coresPerWorker,
                                               String memoryPerWorker, Map<String, String> daemonConf,
                                               Duration timeout) {
        requireJar(jar);
        try {
            Path link = home.resolve("jars/convoy.jar");
            Files.createDirectories(link.getParent());
            Files.deleteIfExists(link);
            Files.createSymbolicLink(link, jar.toAbsolutePath());
            return new LocalStandaloneCluster(home, home, jar, workers, coresPerWorker, memoryPerWorker, daemonConf,
                    timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a local standalone cluster in " + home, e);
        }
    }

    /**
     * Starts the Master and {@code workers} Workers from a Spark installation, as a real cluster runs: their class path
     * is {@code <sparkHome>/jars/*} (Spark's own jars, not Convoy's), and jobs are submitted as {@code appJar}, Convoy's
     * thin application jar, which brings no Spark of its own. Every JVM gets the flags {@code appJar} lists in
     * convoy/jvm-flags.txt, as README's spark-submit command does.
     *
     * @param home an empty or reusable directory for logs, conf and work directories (SPARK_HOME stays read-only)
     */
    public static LocalStandaloneCluster startOnInstallation(Path sparkHome, Path appJar, Path home, int workers,
                                                             int coresPerWorker, String memoryPerWorker,
                                                             Duration timeout) {
        requireJar(appJar);
        Path jars = sparkHome.resolve("jars");
        try (var list = Files.list(jars)) {
            if (list.noneMatch(p -> p.getFileName().toString().startsWith("spark-core_"))) {
                throw new IllegalArgumentException("no spark-core jar in " + jars + ": not a Spark installation");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + jars + " (a Spark installation's jars/)", e);
        }
        try {
            return new LocalStandaloneCluster(sparkHome, home, appJar, workers, coresPerWorker, memoryPerWorker,
                    Map.of(), timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start a standalone cluster from " + sparkHome + " in " + home, e);
        }
    }

    private static void requireJar(Path jar) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalArgumentException("no Convoy jar at " + jar + " (build it with mvn package)");
        }
    }

    private LocalStandaloneCluster(Path sparkHome, Path home, Path jar, int workerCount, int cores, String memory,
                                   Map<String, String> daemonConf, Duration timeout) throws IOException {
        this.sparkHome = sparkHome.toAbsolutePath();
        this.jar = jar.toAbsolutePath();
        this.home = home.toAbsolutePath();
        this.flags = JvmFlags.inJar(this.jar);
        Files.createDirectories(this.home.resolve("conf"));
        Files.createDirectories(this.home.resolve("logs"));
        try (InputStream in = LocalStandaloneCluster.class.getResourceAsStream("/log4j2.properties")) {
            if (in != null) {
                Files.copy(in, this.home.resolve("conf/log4j2.properties"), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        coresPerWorker = cores;
        memoryPerWorker = memory;
        daemonProperties = daemonConf.isEmpty() ? null : writeProperties("daemons", daemonConf);
        masterPort = freePort();
        masterUiPort = freePort();
        master = launch("master", withProperties(List.of("org.apache.spark.deploy.master.Master", "--host", HOST,
                "--port", String.valueOf(masterPort), "--webui-port", String.valueOf(masterUiPort))));
        try {
            for (int i = 1; i <= workerCount; i++) {
                workers.add(launchWorker(i));
            }
            awaitWorkers(workerCount, timeout);
        } catch (RuntimeException | IOException e) {
            close();
            throw e;
        }
        log.info("standalone cluster up: {} with {} workers x {} cores (SPARK_HOME {})", masterUrl(), workerCount, cores,
                this.home);
    }

    public String masterUrl() {
        return "spark://" + HOST + ":" + masterPort;
    }

    public String masterUi() {
        return "http://" + HOST + ":" + masterUiPort;
    }

    public Path home() {
        return home;
    }

    /** SPARK_HOME of every JVM here; its jars/ is their class path. */
    public Path sparkHome() {
        return sparkHome;
    }

    /** The JVM options every Convoy JVM needs ({@link JvmFlags#FLAGS}: Java 17 --add-opens, DL4J helpers, Aeron timeout). */
    public static List<String> jvmOptions() {
        return JvmFlags.flags();
    }

    /**
     * Writes Spark settings to {@code <home>/conf/<name>.properties}, readable by the owner only, for
     * {@code --properties-file} (a submit's secret stays off its command line).
     */
    public Path writeProperties(String name, Map<String, String> conf) throws IOException {
        Path file = home.resolve("conf/" + name + ".properties");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Properties p = new Properties();
        p.putAll(conf);
        try (var out = Files.newOutputStream(file)) {
            p.store(out, "Spark settings written by LocalStandaloneCluster");
        }
        return file;
    }

    private List<String> withProperties(List<String> mainAndArgs) {
        if (daemonProperties == null) {
            return mainAndArgs;
        }
        List<String> out = new ArrayList<>(mainAndArgs);
        out.addAll(1, List.of("--properties-file", daemonProperties.toString()));
        return out;
    }

    /** What a submitted job printed and how it ended. */
    public record Submission(int exitCode, String output) {
    }

    /**
     * Runs {@code convoy <args>} as a spark-submit client-mode driver in its own JVM and waits for it.
     *
     * @param sparkArgs extra spark-submit arguments, e.g. {@code --total-executor-cores 2}
     */
    public Submission submit(List<String> sparkArgs, List<String> convoyArgs, Duration timeout) {
        Running running = start(sparkArgs, convoyArgs);
        return running.await(timeout);
    }

    /** A spark-submit driver JVM that is still running: its process and the file its output goes to. */
    public record Running(Process process, Path log) {
        public String output() {
            try {
                return Files.readString(log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Kills the driver JVM (SIGKILL), as a lost driver machine would. */
        public void kill() {
            process.destroyForcibly();
        }

        public Submission await(Duration timeout) {
            try {
                if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    destroyTree(process);
                    return new Submission(124, output() + "\n[killed after " + timeout + "]");
                }
                return new Submission(process.exitValue(), output());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for spark-submit", e);
            }
        }
    }

    /** Starts {@code convoy <args>} as a spark-submit client-mode driver JVM without waiting for it. */
    public Running start(List<String> sparkArgs, List<String> convoyArgs) {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-Xmx1g", "-cp", classPath(), "org.apache.spark.deploy.SparkSubmit",
                "--master", masterUrl(), "--deploy-mode", "client", "--class", "io.convoy.jobs.ConvoyCli",
                "--conf", "spark.driver.host=" + HOST, "--conf", "spark.ui.enabled=false"));
        cmd.addAll(sparkArgs);
        cmd.add(jar.toString());
        cmd.addAll(convoyArgs);
        try {
            Path out = Files.createTempFile(home.resolve("logs"), "submit-", ".log");
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile());
            environment(pb.environment());
            return new Running(pb.start(), out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run spark-submit", e);
        }
    }

    /** The executor JVMs the Workers forked and that are running now. */
    public List<ProcessHandle> executors() {
        return workers.stream().flatMap(Process::descendants)
                .filter(p -> p.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend"))
                .toList();
    }

    /** Kills a Worker JVM and the executors it forked, as a lost machine would (SIGKILL). */
    public void killWorker(int index) {
        Process w = workers.get(index - 1);
        List<ProcessHandle> children = w.descendants().toList();
        w.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
    }

    /** Starts Worker {@code index} again (after {@link #killWorker}) and waits until all Workers are registered. */
    public void restartWorker(int index, Duration timeout) {
        try {
            workers.set(index - 1, launchWorker(index));
            awaitWorkers(workers.size(), timeout);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart worker " + index, e);
        }
    }

    private Process launchWorker(int i) throws IOException {
        return launch("worker-" + i, withProperties(List.of("org.apache.spark.deploy.worker.Worker", "--host", HOST,
                "--cores", String.valueOf(coresPerWorker), "--memory", memoryPerWorker,
                "--webui-port", String.valueOf(freePort()), "--work-dir", home.resolve("work-" + i).toString(),
                masterUrl())));
    }

    @Override
    public void close() {
        for (Process w : workers) {
            destroyTree(w);
        }
        if (master != null) {
            destroyTree(master);
        }
        AeronDirectories.removeNewSince(aeronBefore);
    }

    private Process launch(String name, List<String> mainAndArgs) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(javaBin()));
        cmd.addAll(flags);
        cmd.addAll(List.of("-Xmx512m", "-cp", classPath()));
        cmd.addAll(mainAndArgs);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("logs/" + name + ".log").toFile()));
        environment(pb.environment());
        return pb.start();
    }

    /** What bin/spark-class puts on the class path: SPARK_HOME's jars. */
    private String classPath() {
        return sparkHome.resolve("jars") + "/*";
    }

    private void environment(Map<String, String> env) {
        env.put("SPARK_HOME", sparkHome.toString());
        env.put("SPARK_LOCAL_IP", HOST);
        // without it the Worker looks for Spark build directories to build the executor command and fails
        env.put("SPARK_SCALA_VERSION", "2.12");
        env.put("SPARK_CONF_DIR", home.resolve("conf").toString());
    }

    private void awaitWorkers(int expected, Duration timeout) throws IOException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
        int seen = 0;
        while (System.nanoTime() < deadline) {
            if (!master.isAlive()) {
                throw new IllegalStateException("the Spark Master exited: see " + home.resolve("logs/master.log"));
            }
            try {
                String json = http.send(HttpRequest.newBuilder(URI.create(masterUi() + "/json/")).build(),
                        HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8)).body();
                Matcher m = alive.matcher(json);
                if (m.find() && (seen = Integer.parseInt(m.group(1))) >= expected) {
                    return;
                }
            } catch (IOException e) {
                // the Master's UI is not up yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster", e);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the cluster", e);
            }
        }
        throw new IllegalStateException(seen + " of " + expected + " Workers registered within " + timeout
                + ": see the logs in " + home.resolve("logs"));
    }

    /** Stops a process and everything it forked; the children are listed first, as they outlive a killed parent. */
    private static void destroyTree(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        children.forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            for (ProcessHandle c : children) {
                c.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // forced below
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
