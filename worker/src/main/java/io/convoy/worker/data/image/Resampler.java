package io.convoy.worker.data.image;

/**
 * Resizes a rectangle of an image to a given size with a triangle (bilinear) filter whose support
 * widens with the reduction factor, as PIL's antialiased bilinear resize (torchvision's default for
 * PIL images) does: a 500-pixel side brought down to 224 averages every source pixel instead of
 * sampling a few. Separable: one horizontal pass into floats, one vertical pass into bytes.
 */
public final class Resampler {
    private Resampler() {
    }

    /** Source-pixel weights of each output pixel along one axis. */
    private record Taps(int[] start, int[] count, float[] weights, int maxTaps) {
    }

    /**
     * @param x0 left edge of the source rectangle (pixels, may be fractional)
     * @param y0 top edge
     * @param cw source rectangle width
     * @param ch source rectangle height
     * @return 3 x outH x outW pixels
     */
    public static byte[] resize(DecodedImage src, double x0, double y0, double cw, double ch, int outH, int outW,
                                boolean flip) {
        Taps tx = taps(x0, cw, outW, src.width());
        Taps ty = taps(y0, ch, outH, src.height());
        int w = src.width();
        int rowFirst = ty.start()[0];
        int rowLast = ty.start()[outH - 1] + ty.count()[outH - 1];
        int rows = rowLast - rowFirst;
        float[] tmp = new float[rows * outW];
        byte[] out = new byte[3 * outH * outW];
        byte[] px = src.chw();
        for (int c = 0; c < 3; c++) {
            int planeBase = c * src.height() * w;
            for (int r = 0; r < rows; r++) {
                int srcRow = planeBase + (rowFirst + r) * w;
                for (int x = 0; x < outW; x++) {
                    int s = tx.start()[x];
                    int n = tx.count()[x];
                    int wi = x * tx.maxTaps();
                    float acc = 0;
                    for (int k = 0; k < n; k++) {
                        acc += (px[srcRow + s + k] & 0xff) * tx.weights()[wi + k];
                    }
                    tmp[r * outW + x] = acc;
                }
            }
            int outBase = c * outH * outW;
            for (int y = 0; y < outH; y++) {
                int s = ty.start()[y] - rowFirst;
                int n = ty.count()[y];
                int wi = y * ty.maxTaps();
                for (int x = 0; x < outW; x++) {
                    float acc = 0;
                    for (int k = 0; k < n; k++) {
                        acc += tmp[(s + k) * outW + x] * ty.weights()[wi + k];
                    }
                    int v = Math.round(acc);
                    int ox = flip ? outW - 1 - x : x;
                    out[outBase + y * outW + ox] = (byte) (v < 0 ? 0 : Math.min(v, 255));
                }
            }
        }
        return out;
    }

    private static Taps taps(double start, double length, int out, int inSize) {
        double scale = length / out;
        double filterScale = Math.max(scale, 1.0);
        double support = filterScale; // triangle filter of radius 1, stretched when reducing
        int maxTaps = (int) Math.ceil(support) * 2 + 1;
        int[] first = new int[out];
        int[] count = new int[out];
        float[] weights = new float[out * maxTaps];
        for (int i = 0; i < out; i++) {
            double centre = start + (i + 0.5) * scale;
            int lo = Math.max((int) Math.floor(centre - support + 0.5), 0);
            int hi = Math.min((int) Math.floor(centre + support + 0.5), inSize);
            if (hi <= lo) { // a rectangle at the very edge: take the nearest pixel
                lo = Math.min(Math.max((int) Math.floor(centre), 0), inSize - 1);
                hi = lo + 1;
            }
            hi = Math.min(hi, lo + maxTaps);
            double total = 0;
            for (int j = lo; j < hi; j++) {
                double t = Math.abs((j + 0.5 - centre) / filterScale);
                double wgt = t < 1 ? 1 - t : 0;
                weights[i * maxTaps + (j - lo)] = (float) wgt;
                total += wgt;
            }
            if (total <= 0) {
                weights[i * maxTaps] = 1;
                hi = lo + 1;
                total = 1;
            }
            for (int j = 0; j < hi - lo; j++) {
                weights[i * maxTaps + j] /= (float) total;
            }
            first[i] = lo;
            count[i] = hi - lo;
        }
        return new Taps(first, count, weights, maxTaps);
    }
}
