package io.convoy.worker.augment;

import java.util.SplittableRandom;

/**
 * Turns 8-bit CHW pixels into normalised floats, applying pad-and-crop and flip on the way:
 * one pass, no intermediate padded image (a pixel that falls into the padding is a zero pixel,
 * which normalises to {@code -mean/std}, as when torchvision pads before normalising).
 */
public final class ImageTransform {
    private ImageTransform() {
    }

    /**
     * Writes {@code channels*height*width} floats at {@code dst[offset...]}.
     *
     * @param rng null for the evaluation transform (centre: no shift, no flip)
     */
    public static void apply(byte[] pixels, int channels, int height, int width, Augmentation aug,
                             Normalization norm, SplittableRandom rng, float[] dst, int offset) {
        int dy = 0;
        int dx = 0;
        boolean flip = false;
        if (rng != null && !aug.isIdentity()) {
            if (aug.pad() > 0) {
                // crop origin in the padded image, minus the pad: a shift in [-pad, pad]
                dy = rng.nextInt(2 * aug.pad() + 1) - aug.pad();
                dx = rng.nextInt(2 * aug.pad() + 1) - aug.pad();
            }
            flip = aug.flip() && rng.nextBoolean();
        }
        int plane = height * width;
        for (int c = 0; c < channels; c++) {
            float scale = (float) (1.0 / (255.0 * norm.std()[c]));
            float shift = (float) (-norm.mean()[c] / norm.std()[c]);
            int src = c * plane;
            int out = offset + c * plane;
            for (int y = 0; y < height; y++) {
                int sy = y + dy;
                boolean rowInside = sy >= 0 && sy < height;
                for (int x = 0; x < width; x++) {
                    int sx = (flip ? width - 1 - x : x) + dx;
                    int v = (rowInside && sx >= 0 && sx < width) ? pixels[src + sy * width + sx] & 0xff : 0;
                    dst[out + y * width + x] = v * scale + shift;
                }
            }
        }
    }
}
