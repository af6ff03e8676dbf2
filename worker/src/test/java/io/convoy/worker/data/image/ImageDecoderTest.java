package io.convoy.worker.data.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.TestImages;
import java.awt.image.BufferedImage;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageDecoderTest {
    private static void assertColour(DecodedImage d, int r, int g, int b, int tolerance) {
        int[] want = {r, g, b};
        for (int c = 0; c < 3; c++) {
            for (int y = 0; y < d.height(); y++) {
                for (int x = 0; x < d.width(); x++) {
                    int v = d.pixel(c, y, x);
                    assertTrue(Math.abs(v - want[c]) <= tolerance,
                            "channel " + c + " at " + y + "," + x + ": " + v + ", expected " + want[c]);
                }
            }
        }
    }

    @Test
    void pngPixelsAreExactInChannelHeightWidthOrder() {
        BufferedImage img = new BufferedImage(7, 5, BufferedImage.TYPE_INT_RGB);
        Random rng = new Random(3);
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                img.setRGB(x, y, rng.nextInt(1 << 24));
            }
        }
        byte[] png = TestImages.png(img);
        assertEquals(ImageDecoder.Format.PNG, ImageDecoder.sniff(png));
        DecodedImage d = ImageDecoder.decode(png);
        assertEquals(5, d.height());
        assertEquals(7, d.width());
        for (int y = 0; y < 5; y++) {
            for (int x = 0; x < 7; x++) {
                int rgb = img.getRGB(x, y);
                assertEquals((rgb >> 16) & 0xff, d.pixel(0, y, x));
                assertEquals((rgb >> 8) & 0xff, d.pixel(1, y, x));
                assertEquals(rgb & 0xff, d.pixel(2, y, x));
            }
        }
    }

    @Test
    void rgbJpeg() {
        byte[] jpeg = TestImages.jpeg(TestImages.solid(24, 16, 200, 40, 90));
        assertEquals(ImageDecoder.Format.JPEG, ImageDecoder.sniff(jpeg));
        assertColour(ImageDecoder.decode(jpeg), 200, 40, 90, 2);
    }

    @Test
    void greyscaleJpegBecomesThreeEqualChannelsWithTheStoredValue() {
        DecodedImage d = ImageDecoder.decode(TestImages.jpeg(TestImages.solidGrey(16, 16, 77)));
        assertColour(d, 77, 77, 77, 1); // no gamma conversion of the grey values
    }

    @Test
    void cmykJpegIsConvertedToRgb() {
        // white (no ink) and cyan ink only
        assertColour(ImageDecoder.decode(TestImages.cmykJpeg(16, 8, 0, 0, 0, 0)), 255, 255, 255, 3);
        DecodedImage cyan = ImageDecoder.decode(TestImages.cmykJpeg(16, 8, 255, 0, 0, 0));
        assertColour(cyan, 0, 255, 255, 3);
    }

    @Test
    void pngStoredUnderAJpegNameIsRecognisedByItsBytes() {
        byte[] png = TestImages.png(TestImages.solid(9, 9, 1, 2, 3));
        assertColour(ImageDecoder.decode(png), 1, 2, 3, 0);
    }

    @Test
    void garbageIsRefused() {
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> ImageDecoder.decode("hello, not an image".getBytes()));
        assertTrue(e.getMessage().contains("not a JPEG or PNG"), e.getMessage());
        byte[] jpeg = TestImages.jpeg(TestImages.solid(32, 32, 9, 9, 9));
        byte[] cut = java.util.Arrays.copyOf(jpeg, 40);
        assertThrows(InvalidDataException.class, () -> ImageDecoder.decode(cut));
    }
}
