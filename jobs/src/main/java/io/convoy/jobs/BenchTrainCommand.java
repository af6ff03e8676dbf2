package io.convoy.jobs;

import io.convoy.zoo.Complexity;
import io.convoy.zoo.InputShape;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import io.convoy.zoo.ParameterCounts;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Nesterovs;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.ProfilerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Plain DL4J: {@code ComputationGraph.fit} of a zoo model in this JVM on random minibatches held in memory, no Spark and
 * no data pipeline: the reference that Convoy's Spark path and the data pipeline are measured against.
 */
@Command(name = "bench-train", mixinStandardHelpOptions = true,
        description = {"Measure single-JVM DL4J training throughput (images/s) of a zoo model on in-memory minibatches:",
                "warm-up, then the median of timed windows. ND4J uses every core unless OMP_NUM_THREADS says otherwise."})
final class BenchTrainCommand implements Callable<Integer> {
    @Option(names = "--model", defaultValue = "resnet20", description = "Zoo model (default: ${DEFAULT-VALUE}).")
    String model;

    @Option(names = "--input", defaultValue = "3x32x32", description = "CxHxW (default: ${DEFAULT-VALUE}).")
    String input;

    @Option(names = "--classes", defaultValue = "10", description = "Classes (default: ${DEFAULT-VALUE}).")
    int classes;

    @Option(names = "--width-multiplier", defaultValue = "1.0",
            description = "Scale every channel count (default: ${DEFAULT-VALUE}, the published widths).")
    double width;

    @Option(names = "--profile", description = "Time every ND4J op during the timed windows and print ND4J's op "
            + "profiler dashboard (slows training: for finding where time goes, not for figures).")
    boolean profile;

    @Option(names = "--json", description = "Print one JSON line instead of the text line (for bench/run).")
    boolean json;

    @Option(names = "--batch", defaultValue = "128", description = "Minibatch size (default: ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--warmup", defaultValue = "3", description = "Untimed minibatches first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--windows", defaultValue = "5", description = "Timed windows (default: ${DEFAULT-VALUE}).")
    int windows;

    @Option(names = "--window-batches", defaultValue = "5", description = "Minibatches per window (default: ${DEFAULT-VALUE}).")
    int windowBatches;

    @Option(names = "--against", split = ",", paramLabel = "PROPERTY=VALUE",
            description = {"A/B in one JVM: also build the model with these system properties set (e.g. "
                    + "convoy.fast.fuse-relu=true,convoy.fast.add-relu=true) and alternate timed windows between the two "
                    + "nets, so that load on the machine falls on both alike; prints both rates and B / A."})
    Map<String, String> against = new LinkedHashMap<>();

    @Override
    public Integer call() {
        InputShape shape = ModelsCommand.parseShape(input);
        if (batch < 1 || windows < 1 || windowBatches < 1 || warmup < 0) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--batch, --windows and --window-batches must be >= 1 and --warmup >= 0");
        }
        ModelRequest request = new ModelRequest(shape, classes, 42, new Nesterovs(0.01, 0.9), 1e-4, width);
        var conf = ModelZoo.build(model, request);
        long multiplyAdds = Complexity.multiplyAdds(conf, shape);
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        List<DataSet> data = minibatches(shape);
        if (!against.isEmpty()) {
            return compare(net, buildWith(against, request), data);
        }
        for (int i = 0; i < warmup; i++) {
            net.fit(data.get(i % data.size()));
        }
        if (profile) {
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().checkElapsedTime(true).build());
            OpProfiler.getInstance().reset();
        }
        double[] rates = new double[windows];
        long cpu0 = processCpuNanos();
        long wall0 = System.nanoTime();
        for (int w = 0; w < windows; w++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < windowBatches; i++) {
                net.fit(data.get(i % data.size()));
            }
            rates[w] = (double) batch * windowBatches / ((System.nanoTime() - t0) / 1e9);
        }
        // images per CPU-second of this process: less disturbed than img/s when other work shares the cores
        double cpuSeconds = (processCpuNanos() - cpu0) / 1e9;
        double perCpuSecond = cpuSeconds > 0 ? (double) batch * windowBatches * windows / cpuSeconds : Double.NaN;
        double cores = cpuSeconds / ((System.nanoTime() - wall0) / 1e9);
        if (profile) {
            OpProfiler.getInstance().printOutDashboard();
            Nd4j.getExecutioner().setProfilingConfig(ProfilerConfig.builder().build());
        }
        double[] sorted = rates.clone();
        Arrays.sort(sorted);
        double median = sorted[windows / 2];
        if (json) {
            long params = ParameterCounts.trainable(net);
            String omp = System.getenv().getOrDefault("OMP_NUM_THREADS", "");
            String blas = System.getenv().getOrDefault("OPENBLAS_CORETYPE", "");
            StringBuilder w = new StringBuilder();
            for (double r : rates) {
                w.append(w.length() == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.2f", r));
            }
            System.out.printf(Locale.ROOT, "{\"framework\":\"dl4j\",\"model\":\"%s\",\"width\":%s,\"input\":\"%s\","
                            + "\"params\":%d,\"multiply_adds\":%d,\"batch\":%d,\"omp_num_threads\":\"%s\",\"openblas_coretype\":\"%s\","
                            + "\"median_img_s\":%.2f,\"min_img_s\":%.2f,\"max_img_s\":%.2f,\"windows\":[%s],"
                            + "\"img_per_cpu_s\":%.2f,\"cores_used\":%.2f}%n",
                    model, width, input, params, multiplyAdds, batch, omp, blas, median, sorted[0], sorted[windows - 1], w,
                    perCpuSecond, cores);
            return 0;
        }
        System.out.printf("%s %s batch %d: median %.1f img/s over %d windows of %d minibatches (min %.1f, max %.1f); "
                        + "%.1f img per CPU-second, %.2f cores busy%n",
                model, shape, batch, median, windows, windowBatches, sorted[0], sorted[windows - 1], perCpuSecond, cores);
        return 0;
    }

    private List<DataSet> minibatches(InputShape shape) {
        List<DataSet> data = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            INDArray f = Nd4j.rand(DataType.FLOAT, batch, shape.channels(), shape.height(), shape.width());
            INDArray l = Nd4j.zeros(DataType.FLOAT, batch, classes);
            for (int r = 0; r < batch; r++) {
                l.putScalar(r, (r + i) % classes, 1f);
            }
            data.add(new DataSet(f, l));
        }
        return data;
    }

    /** The zoo model built while the given system properties are set (restored afterwards). */
    private ComputationGraph buildWith(Map<String, String> properties, ModelRequest request) {
        Map<String, String> saved = new LinkedHashMap<>();
        properties.forEach((k, v) -> saved.put(k, System.setProperty(k, v)));
        try {
            ComputationGraph net = new ComputationGraph(ModelZoo.build(model, request));
            net.init();
            return net;
        } finally {
            saved.forEach((k, v) -> {
                if (v == null) {
                    System.clearProperty(k);
                } else {
                    System.setProperty(k, v);
                }
            });
        }
    }

    /** Alternating windows A B A B ...: each net's median img/s and images per CPU-second, and B / A of the medians. */
    private int compare(ComputationGraph a, ComputationGraph b, List<DataSet> data) {
        ComputationGraph[] nets = {a, b};
        for (ComputationGraph net : nets) {
            for (int i = 0; i < warmup; i++) {
                net.fit(data.get(i % data.size()));
            }
        }
        double[][] rates = new double[2][windows];
        double[][] perCpu = new double[2][windows];
        for (int w = 0; w < windows; w++) {
            for (int k = 0; k < 2; k++) {
                long cpu0 = processCpuNanos();
                long t0 = System.nanoTime();
                for (int i = 0; i < windowBatches; i++) {
                    nets[k].fit(data.get(i % data.size()));
                }
                double images = (double) batch * windowBatches;
                rates[k][w] = images / ((System.nanoTime() - t0) / 1e9);
                perCpu[k][w] = images / ((processCpuNanos() - cpu0) / 1e9);
            }
        }
        double[] med = {median(rates[0]), median(rates[1])};
        double[] medCpu = {median(perCpu[0]), median(perCpu[1])};
        String props = String.join(",", against.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList());
        if (json) {
            System.out.printf(Locale.ROOT, "{\"framework\":\"dl4j\",\"model\":\"%s\",\"width\":%s,\"batch\":%d,"
                            + "\"against\":\"%s\",\"a_img_s\":%.2f,\"b_img_s\":%.2f,\"b_over_a\":%.3f,"
                            + "\"a_img_per_cpu_s\":%.2f,\"b_img_per_cpu_s\":%.2f,\"b_over_a_cpu\":%.3f,\"windows\":%d,"
                            + "\"a_fast_path_vertices\":%d,\"b_fast_path_vertices\":%d}%n",
                    model, width, batch, props, med[0], med[1], med[1] / med[0], medCpu[0], medCpu[1], medCpu[1] / medCpu[0], windows,
                    fastPathVertices(a), fastPathVertices(b));
        } else {
            System.out.printf(Locale.ROOT, "%s batch %d, %d alternating windows of %d minibatches: A (as started) %.1f img/s, "
                            + "%.1f img per CPU-second; B (%s) %.1f img/s, %.1f img per CPU-second; B / A %.3f (per CPU-second %.3f)%n",
                    model, batch, windows, windowBatches, med[0], medCpu[0], props, med[1], medCpu[1], med[1] / med[0],
                    medCpu[1] / medCpu[0]);
        }
        return 0;
    }

    /** Layers and vertices of Convoy's fast path (package io.convoy.zoo.fast) in a net: what the two builds differ in. */
    private static long fastPathVertices(ComputationGraph net) {
        return net.getConfiguration().getVertices().values().stream()
                .map(v -> v instanceof org.deeplearning4j.nn.conf.graph.LayerVertex lv ? lv.getLayerConf().getLayer() : v)
                .filter(o -> o.getClass().getPackageName().equals("io.convoy.zoo.fast")).count();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }
}
