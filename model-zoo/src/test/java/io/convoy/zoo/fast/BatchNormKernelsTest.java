package io.convoy.zoo.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The float32 kernels (plane copies, four-way sums, the branch-free ReLU mask) against the double kernels
 * that the gradient checks verify, on plane sizes that leave every remainder of the four-way loops.
 */
class BatchNormKernelsTest {

    @Test
    void positiveIsExactlyTheReluMask() {
        float[] pos = {Float.MIN_VALUE, 1e-30f, 1f, 3e38f, Float.MAX_VALUE, Float.POSITIVE_INFINITY};
        float[] nonPos = {0f, -0f, -Float.MIN_VALUE, -1f, -Float.MAX_VALUE, Float.NEGATIVE_INFINITY};
        for (float v : pos) {
            assertEquals(1f, BatchNormKernels.positive(v), "positive(" + v + ")");
            assertEquals(1.0, BatchNormKernels.positive((double) v), "positive((double) " + v + ")");
        }
        assertEquals(1.0, BatchNormKernels.positive(Double.MIN_VALUE));
        for (float v : nonPos) {
            assertEquals(0f, BatchNormKernels.positive(v), "positive(" + v + ")");
            assertEquals(0.0, BatchNormKernels.positive((double) v), "positive((double) " + v + ")");
        }
    }

    @ParameterizedTest(name = "{0} images, {1} channels, plane {2}, relu {3}")
    @CsvSource({"3, 5, 1, false", "2, 3, 3, true", "4, 7, 49, true", "2, 2, 1024, false", "5, 3, 30, true"})
    void floatKernelsAgreeWithTheDoubleOnes(int n, int c, int hw, boolean relu) {
        Nd4j.getRandom().setSeed(n * 31L + hw);
        INDArray xd = Nd4j.randn(DataType.DOUBLE, n, c, hw).muli(3).addi(7); // an offset: the variance must not cancel
        INDArray dyd = Nd4j.randn(DataType.DOUBLE, n, c, hw);
        INDArray xf = xd.castTo(DataType.FLOAT);
        INDArray dyf = dyd.castTo(DataType.FLOAT);
        xd = xf.castTo(DataType.DOUBLE); // the same values in both precisions
        dyd = dyf.castTo(DataType.DOUBLE);

        double[][] stats = new double[4][c];
        BatchNormKernels.statistics(ChannelData.of(xd), n, c, hw, stats[0], stats[1]);
        BatchNormKernels.statistics(ChannelData.of(xf), n, c, hw, stats[2], stats[3]);
        for (int ch = 0; ch < c; ch++) {
            assertEquals(stats[0][ch], stats[2][ch], 1e-5 * (1 + Math.abs(stats[0][ch])), "mean of channel " + ch);
            assertEquals(stats[1][ch], stats[3][ch], 1e-4 * stats[1][ch], "variance of channel " + ch);
        }
        double[] is = new double[c];
        double[] a = new double[c];
        double[] b = new double[c];
        for (int ch = 0; ch < c; ch++) {
            is[ch] = 1 / Math.sqrt(stats[1][ch] + 1e-5);
            a[ch] = (0.5 + ch) * is[ch];
            b[ch] = 0.3 - 0.1 * ch - stats[0][ch] * a[ch];
        }
        INDArray yd = xd.ulike();
        INDArray yf = xf.ulike();
        BatchNormKernels.affine(ChannelData.of(xd), ChannelData.of(yd), n, c, hw, a, b, relu);
        BatchNormKernels.affine(ChannelData.of(xf), ChannelData.of(yf), n, c, hw, a, b, relu);
        assertClose("output", yd, yf);
        if (relu) {
            assertTrue(yf.minNumber().doubleValue() == 0.0 && yf.maxNumber().doubleValue() > 0, "the ReLU clips some, not all");
        }

        INDArray dxd = xd.ulike();
        INDArray dxf = xf.ulike();
        double[][] pg = new double[4][c];
        BatchNormKernels.backward(ChannelData.of(xd), ChannelData.of(dyd), ChannelData.of(dxd), n, c, hw, stats[0], is, a, b,
                relu, pg[0], pg[1]);
        BatchNormKernels.backward(ChannelData.of(xf), ChannelData.of(dyf), ChannelData.of(dxf), n, c, hw, stats[0], is, a, b,
                relu, pg[2], pg[3]);
        for (int ch = 0; ch < c; ch++) {
            assertEquals(pg[0][ch], pg[2][ch], 1e-4 * (1 + Math.abs(pg[0][ch])), "dGamma of channel " + ch);
            assertEquals(pg[1][ch], pg[3][ch], 1e-4 * (1 + Math.abs(pg[1][ch])), "dBeta of channel " + ch);
        }
        assertClose("input gradient", dxd, dxf);
    }

    private static void assertClose(String what, INDArray expected, INDArray actual) {
        double scale = Math.max(1.0, expected.amaxNumber().doubleValue());
        double diff = expected.sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
        assertTrue(diff <= 1e-5 * scale, what + ": max |difference| " + diff + " (scale " + scale + ")");
    }
}
