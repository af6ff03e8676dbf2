package io.convoy.worker.data.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.augment.ImageCrops;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CropsTest {
    private static DecodedImage random(int h, int w, long seed) {
        byte[] px = new byte[3 * h * w];
        new Random(seed).nextBytes(px);
        return new DecodedImage(h, w, px);
    }

    @Test
    void resizingTheWholeImageToItsOwnSizeKeepsEveryPixel() {
        DecodedImage img = random(9, 13, 1);
        assertArrayEquals(img.chw(), Resampler.resize(img, 0, 0, 13, 9, 9, 13, false));
    }

    @Test
    void flipMirrorsColumns() {
        DecodedImage img = random(4, 6, 2);
        byte[] flipped = Resampler.resize(img, 0, 0, 6, 4, 4, 6, true);
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < 4; y++) {
                for (int x = 0; x < 6; x++) {
                    assertEquals(img.pixel(c, y, 5 - x), flipped[(c * 4 + y) * 6 + x] & 0xff);
                }
            }
        }
    }

    @Test
    void halvingAveragesPixelPairs() {
        // a 1-pixel checkerboard shrunk 2x: the antialiased filter averages it to grey (plain bilinear sampling would not)
        int h = 8;
        int w = 8;
        byte[] px = new byte[3 * h * w];
        for (int i = 0; i < px.length; i++) {
            int x = i % w;
            int y = (i / w) % h;
            px[i] = (byte) (((x + y) % 2 == 0) ? 200 : 0);
        }
        byte[] out = Resampler.resize(new DecodedImage(h, w, px), 0, 0, w, h, 4, 4, false);
        for (byte b : out) {
            assertTrue(Math.abs((b & 0xff) - 100) <= 30, "averaged: " + (b & 0xff));
        }
    }

    @Test
    void evalCropIsTheCentreAfterResizingTheShorterSide() {
        // 40 high x 100 wide: left third black, middle white, right third black; crop 16 of resize 20
        int h = 40;
        int w = 100;
        byte[] px = new byte[3 * h * w];
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < h; y++) {
                for (int x = 40; x < 60; x++) {
                    px[(c * h + y) * w + x] = (byte) 255;
                }
            }
        }
        byte[] out = ImageCrops.eval(new DecodedImage(h, w, px), 20, 16);
        // scale 0.5: the centre 32x32 source square (x 34..66) -> 16x16; white source x 40..60 -> output x 3..13
        assertEquals(0, out[8 * 16 + 1] & 0xff);
        assertEquals(255, out[8 * 16 + 8] & 0xff);
        assertEquals(0, out[8 * 16 + 15] & 0xff);
        assertEquals(21, ImageCrops.evalResize(18)); // 18 * 256/224 = 20.57
        assertEquals(256, ImageCrops.evalResize(224));
    }

    @Test
    void randomResizedBoxesStayInsideWithTorchvisionsScaleAndRatio() {
        SplittableRandom rng = new SplittableRandom(9);
        double minArea = 1;
        double maxArea = 0;
        for (int i = 0; i < 2000; i++) {
            ImageCrops.Box b = ImageCrops.randomResizedBox(375, 500, rng);
            assertTrue(b.top() >= 0 && b.left() >= 0 && b.top() + b.height() <= 375 && b.left() + b.width() <= 500, b.toString());
            double area = (double) b.height() * b.width() / (375 * 500);
            double ratio = (double) b.width() / b.height();
            minArea = Math.min(minArea, area);
            maxArea = Math.max(maxArea, area);
            assertTrue(area >= 0.079 && area <= 1.0, "area " + area);
            assertTrue(ratio >= 0.74 && ratio <= 1.35, "ratio " + ratio);
        }
        assertTrue(minArea < 0.1 && maxArea > 0.8, "the whole scale range is drawn: " + minArea + ".." + maxArea);
        // a very wide image falls back to the centre crop with the largest allowed ratio
        ImageCrops.Box wide = ImageCrops.randomResizedBox(10, 1000, new SplittableRandom(1));
        assertTrue(wide.width() <= 1000 && wide.height() <= 10);
    }
}
