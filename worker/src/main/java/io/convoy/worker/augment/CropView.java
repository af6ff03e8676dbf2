package io.convoy.worker.augment;

import java.io.Serializable;

/**
 * One evaluation view of an image: the {@code height x width} window whose top-left pixel is at
 * ({@code top}, {@code left}), mirrored horizontally when {@code flip}.
 */
public record CropView(int top, int left, int height, int width, boolean flip) implements Serializable {
    public CropView {
        if (top < 0 || left < 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException("crop at (" + top + ", " + left + ") of " + height + "x" + width
                    + ": expected a non-negative origin and a positive size");
        }
    }

    public CropView flipped() {
        return new CropView(top, left, height, width, !flip);
    }

    /**
     * Writes this view of 8-bit CHW pixels ({@code channels x imageHeight x imageWidth}) as normalised
     * floats, {@code channels * height * width} of them at {@code dst[offset...]}, with the same
     * arithmetic as {@link ImageTransform}: the centre view of an image of the input size is bit for
     * bit what training's evaluation sees.
     */
    public void render(byte[] pixels, int channels, int imageHeight, int imageWidth, Normalization norm,
                       float[] dst, int offset) {
        if (top + height > imageHeight || left + width > imageWidth) {
            throw new IllegalArgumentException("crop at (" + top + ", " + left + ") of " + height + "x" + width
                    + " does not fit an image of " + imageHeight + "x" + imageWidth);
        }
        int plane = imageHeight * imageWidth;
        for (int c = 0; c < channels; c++) {
            float scale = (float) (1.0 / (255.0 * norm.std()[c]));
            float shift = (float) (-norm.mean()[c] / norm.std()[c]);
            int out = offset + c * height * width;
            for (int y = 0; y < height; y++) {
                int row = c * plane + (top + y) * imageWidth + left;
                for (int x = 0; x < width; x++) {
                    int v = pixels[row + (flip ? width - 1 - x : x)] & 0xff;
                    dst[out + y * width + x] = v * scale + shift;
                }
            }
        }
    }
}
