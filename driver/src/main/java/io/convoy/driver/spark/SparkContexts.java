package io.convoy.driver.spark;

import io.convoy.driver.config.RunConfig.SparkSettings;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the SparkContext with what Convoy's executors need on Java 17, whoever launched the driver. */
public final class SparkContexts {
    private static final Logger log = LoggerFactory.getLogger(SparkContexts.class);

    /**
     * The flags every Convoy JVM needs ({@link JvmFlags#FLAGS}: Spark's Java 17 --add-opens list, DL4J's helpers
     * switched on, the Aeron timeout DL4J's gradient sharing needs, the system clock for DL4J's Spark statistics).
     */
    public static final String EXECUTOR_JAVA_OPTIONS = String.join(" ", JvmFlags.flags());

    private static final String EXECUTOR_OPTIONS_KEY = "spark.executor.extraJavaOptions";
    private static final String STANDALONE = "spark://";
    private static final String HADOOP_PREFIX = "spark.hadoop.";
    static final String OMP_THREADS_KEY = "spark.executorEnv.OMP_NUM_THREADS";
    /**
     * glibc's allocator settings for every JVM that runs ND4J (issue 14; {@link JvmFlags#ENV} says why). libnd4j
     * allocates its arrays with malloc from many threads: glibc then makes up to 8 arenas per core and keeps what is
     * freed in them (27 arenas of 64 MB held 1.1 GB of a quickstart JVM whose live arrays were 1 MB), and its mmap
     * threshold rises to 32 MB after the first large free, so activations and minibatches stay in the arenas. Two arenas
     * bound that. The ./convoy launcher and the test JVMs (parent pom) read the same file; a value already set wins.
     */
    public static final Map<String, String> MALLOC_ENV = JvmFlags.environment();
    private static final String EXECUTOR_ENV_PREFIX = "spark.executorEnv.";

    private SparkContexts() {
    }

    public static JavaSparkContext create(SparkSettings settings) {
        // the flags' system properties also in a driver started without them (the time source; the Aeron timeout,
        // since the driver runs an Aeron media driver too under gradient sharing and Aeron reads it when it first starts)
        JvmFlags.applySystemPropertyDefaults();
        // spark-submit passes its settings as system properties, which SparkConf reads: they win.
        SparkConf conf = new SparkConf(true);
        if (!conf.contains("spark.master")) {
            conf.setMaster(settings.master());
        }
        if (!conf.contains("spark.app.name")) {
            conf.setAppName(settings.appName());
        }
        String master = conf.get("spark.master");
        if (master.startsWith("local") && !conf.contains("spark.driver.host")) {
            conf.set("spark.driver.host", "127.0.0.1");
        }
        for (Map.Entry<String, String> e : settings.conf().entrySet()) {
            conf.set(e.getKey(), e.getValue());
        }
        applyExecutorDefaults(conf);
        // Convoy's flags come first and the user's options (spark-submit --conf or spark.conf in the run file)
        // after them, so a user's setting adds to ours instead of silently dropping the Java 17 and Aeron flags
        // (without which executors fail to start DL4J's gradient sharing).
        log.info("starting Spark: master={}, app={}", master, conf.get("spark.app.name"));
        if (master.startsWith(STANDALONE)) {
            if (conf.getBoolean("spark.authenticate", false) && !conf.contains("spark.authenticate.secret")) {
                throw new ClusterConnectionException("spark.authenticate = true on " + master + " needs the cluster's "
                        + "spark.authenticate.secret (spark-submit --conf, or --properties-file with a file only you "
                        + "can read)");
            }
            checkReachable(master);
        }
        JavaSparkContext sc = new JavaSparkContext(conf);
        if (master.startsWith(STANDALONE) && !sc.sc().applicationId().startsWith("app-")) {
            // Spark's StandaloneAppClient gave up (3 attempts of 20 s, "All masters are unresponsive") and stops the
            // context in another thread: the caller would only see "Cannot call methods on a stopped SparkContext".
            sc.close();
            throw new ClusterConnectionException(notRegistered(master, conf));
        }
        return sc;
    }

    /** Fails at once, naming the address, when nothing listens where a standalone master should be. */
    private static void checkReachable(String master) {
        String address = master.substring(STANDALONE.length());
        int colon = address.lastIndexOf(':');
        if (address.contains(",") || colon < 0) {
            return; // several masters (ZooKeeper recovery): Spark tries each
        }
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(address.substring(0, colon), Integer.parseInt(address.substring(colon + 1))),
                    10_000);
        } catch (IOException | IllegalArgumentException e) {
            throw new ClusterConnectionException("spark.master = " + master + ": cannot connect (" + e.getMessage()
                    + "); is the Spark master running there?");
        }
    }

    /** Why a standalone master that accepts connections did not register the application, as far as we can tell. */
    static String notRegistered(String master, SparkConf conf) {
        boolean auth = conf.getBoolean("spark.authenticate", false);
        String cause = auth
                ? (conf.contains("spark.authenticate.secret")
                        ? "this driver authenticates (spark.authenticate=true) with a spark.authenticate.secret that the "
                        + "master did not accept: check that it is the cluster's secret"
                        : "this driver has spark.authenticate=true but no spark.authenticate.secret")
                : "this driver does not authenticate (spark.authenticate is off): if the cluster runs with "
                + "spark.authenticate=true, give the driver spark.authenticate=true and the cluster's "
                + "spark.authenticate.secret";
        return "the Spark master " + master + " accepts connections but did not register this application (Spark gave "
                + "up after 3 attempts of 20 s: \"All masters are unresponsive\"); " + cause + " (spark-submit --conf, or "
                + "--properties-file with a file only you can read), and the same spark.network.crypto.enabled as the "
                + "cluster. The master's log names the refused connection.";
    }

    /**
     * The driver's Hadoop configuration, as Spark builds its own: Hadoop's defaults, then every {@code spark.hadoop.*}
     * setting without its prefix, from system properties (spark-submit's {@code --conf}) and then the run's
     * {@code spark.conf}. So the driver reads data and writes the run directory with the credentials the executors
     * get, and {@code spark.hadoop.hadoop.security.credential.provider.path} reaches
     * {@link Configuration#getPassword}, through which Hadoop's file systems (s3a, abfs, ...) look secrets up.
     */
    public static Configuration hadoopConf(Map<String, String> sparkConf) {
        SparkConf conf = new SparkConf(true);
        sparkConf.forEach(conf::set);
        Configuration hadoop = new Configuration();
        for (scala.Tuple2<String, String> kv : conf.getAll()) {
            if (kv._1().startsWith(HADOOP_PREFIX)) {
                hadoop.set(kv._1().substring(HADOOP_PREFIX.length()), kv._2(), "spark.conf " + kv._1());
            }
        }
        return hadoop;
    }

    /**
     * What every executor JVM gets unless the user set it: Convoy's JVM flags first (a user's
     * {@code spark.executor.extraJavaOptions} is appended, not substituted, since without the Java 17 and Aeron flags
     * executors cannot start gradient sharing), and, on a cluster, {@value #OMP_THREADS_KEY} = {@code spark.task.cpus}.
     * ND4J's native code otherwise starts one OpenMP thread per core of the machine in every task: executors sharing a
     * machine oversubscribe its cores. Measured on two single-core executors of a 2-core machine, ResNet-20, parameter
     * averaging: 29–48 img/s without the setting, 182 with it (sharing 57 and 114; BENCHMARKS.md). Local mode is one JVM
     * whose environment is fixed before Spark starts, so it is left alone.
     */
    static void applyExecutorDefaults(SparkConf conf) {
        String userOptions = conf.get(EXECUTOR_OPTIONS_KEY, "");
        conf.set(EXECUTOR_OPTIONS_KEY, userOptions.startsWith(EXECUTOR_JAVA_OPTIONS) ? userOptions
                : (EXECUTOR_JAVA_OPTIONS + " " + userOptions).trim());
        String master = conf.get("spark.master", "local[*]");
        boolean oneJvm = master.equals("local") || master.startsWith("local[");
        if (!oneJvm && !conf.contains(OMP_THREADS_KEY)) {
            conf.set(OMP_THREADS_KEY, conf.get("spark.task.cpus", "1"));
        }
        if (!oneJvm) {
            // in local mode the executor is this JVM, whose environment the launcher set
            MALLOC_ENV.forEach((name, value) -> {
                if (!conf.contains(EXECUTOR_ENV_PREFIX + name)) {
                    conf.set(EXECUTOR_ENV_PREFIX + name, value);
                }
            });
        }
    }
}
