package io.convoy.jobs;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The single-precision arithmetic rate ND4J reaches on this machine: a large square GEMM (BLAS sgemm) and a large 3x3
 * convolution forward pass (libnd4j's conv2d, oneDNN when the native build has it). The denominator of "fraction of
 * peak" in BENCHMARKS.md.
 */
@Command(name = "bench-peak", mixinStandardHelpOptions = true,
        description = {"Measure ND4J's single-precision GFLOP/s: an NxN GEMM and a 3x3 convolution forward pass.",
                "Warm-up, then the median of timed repetitions. Threads: OMP_NUM_THREADS (default every core)."})
final class BenchPeakCommand implements Callable<Integer> {
    @Option(names = "--gemm", defaultValue = "4096", description = "GEMM size N (default: ${DEFAULT-VALUE}).")
    int n;

    @Option(names = "--conv", defaultValue = "32x128x56x56",
            description = "Convolution input NxCxHxW; 3x3, stride 1, pad 1, C->C channels (default: ${DEFAULT-VALUE}).")
    String conv;

    @Option(names = "--reps", defaultValue = "7", description = "Timed repetitions each (default: ${DEFAULT-VALUE}).")
    int reps;

    @Option(names = "--json", description = "Print one JSON line (for bench/run).")
    boolean json;

    @Override
    public Integer call() {
        String[] dims = conv.split("x");
        if (dims.length != 4 || n < 1 || reps < 1) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--conv must be NxCxHxW (got '" + conv + "'), --gemm and --reps >= 1");
        }
        long[] shape = Arrays.stream(dims).mapToLong(Long::parseLong).toArray();

        INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
        INDArray c = Nd4j.create(DataType.FLOAT, n, n);
        double gemmFlops = 2.0 * n * n * n;
        double gemm = gflops(gemmFlops, () -> Nd4j.gemm(a, b, c, false, false, 1.0, 0.0));

        long batch = shape[0];
        long ch = shape[1];
        long h = shape[2];
        long w = shape[3];
        INDArray input = Nd4j.rand(DataType.FLOAT, batch, ch, h, w);
        INDArray weights = Nd4j.rand(DataType.FLOAT, 3, 3, ch, ch).subi(0.5); // libnd4j's default [kH, kW, iC, oC]
        Conv2DConfig cfg = Conv2DConfig.builder().kH(3).kW(3).sH(1).sW(1).pH(1).pW(1).dH(1).dW(1)
                .paddingMode(PaddingMode.VALID).dataFormat("NCHW").build();
        double convFlops = 2.0 * batch * ch * h * w * ch * 9;
        double convRate = gflops(convFlops, () -> Nd4j.cnn().conv2d(input, weights, null, cfg));

        String omp = System.getenv().getOrDefault("OMP_NUM_THREADS", "");
        String blas = System.getenv().getOrDefault("OPENBLAS_CORETYPE", "");
        if (json) {
            System.out.printf(Locale.ROOT, "{\"framework\":\"dl4j\",\"gemm_n\":%d,\"gemm_gflops\":%.4g,"
                            + "\"conv\":\"%s\",\"conv3x3_gflops\":%.4g,\"omp_num_threads\":\"%s\",\"openblas_coretype\":\"%s\"}%n",
                    n, gemm, conv, convRate, omp, blas);
        } else {
            System.out.printf(Locale.ROOT, "ND4J sgemm %dx%d: %.1f GFLOP/s; conv2d 3x3 %s: %.1f GFLOP/s"
                    + " (OMP_NUM_THREADS=%s, OPENBLAS_CORETYPE=%s)%n", n, n, gemm, conv, convRate, omp, blas);
        }
        return 0;
    }

    private double gflops(double flops, Runnable op) {
        op.run(); // warm-up: native libraries, oneDNN primitive creation
        op.run();
        double[] rates = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            op.run();
            rates[i] = flops / ((System.nanoTime() - t0) / 1e9) / 1e9;
        }
        Arrays.sort(rates);
        return rates[reps / 2];
    }
}
