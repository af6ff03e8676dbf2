package io.convoy.worker.data.image;

/** A decoded RGB image: 8-bit pixels in channels-height-width order (red plane, green plane, blue plane). */
public record DecodedImage(int height, int width, byte[] chw) {
    public static final int CHANNELS = 3;

    public DecodedImage {
        if (chw.length != CHANNELS * height * width) {
            throw new IllegalArgumentException(chw.length + " bytes for a 3x" + height + "x" + width + " image");
        }
    }

    public int pixel(int channel, int y, int x) {
        return chw[(channel * height + y) * width + x] & 0xff;
    }
}
