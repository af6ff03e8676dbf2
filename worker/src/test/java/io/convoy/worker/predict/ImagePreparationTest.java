package io.convoy.worker.predict;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.augment.ImageCrops;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.TestImages;
import io.convoy.worker.data.image.ImageDecoder;
import io.convoy.zoo.InputShape;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Image files become the pixels of the run's evaluation images: resize + centre crop, colours or their mean. */
class ImagePreparationTest {

    @Test
    void aColourImageBecomesTheRunsShape() {
        byte[] png = TestImages.png(TestImages.solid(64, 48, 200, 40, 10));
        byte[] px = new ImagePreparation(new InputShape(3, 32, 32), 32).prepare(png);
        assertEquals(3 * 32 * 32, px.length);
        // a solid image stays that colour through any resize: channel planes R, G, B
        for (int c = 0; c < 3; c++) {
            int expected = new int[] {200, 40, 10}[c];
            for (int i = c * 1024; i < (c + 1) * 1024; i++) {
                assertEquals(expected, px[i] & 0xff, "channel " + c);
            }
        }
    }

    @Test
    void digitsGetTheMeanOfTheColours() {
        byte[] px = new ImagePreparation(new InputShape(1, 28, 28), 28).prepare(
                TestImages.png(TestImages.solid(30, 40, 90, 120, 150)));
        assertEquals(28 * 28, px.length);
        byte[] expected = new byte[28 * 28];
        Arrays.fill(expected, (byte) 120);
        assertArrayEquals(expected, px);
    }

    @Test
    void theSameCropAsEvaluationOfImageShards() {
        // left half black, right half white: the evaluation crop (shorter side to 37, centre 32) of a 100x50 image
        BufferedImage img = TestImages.solid(100, 50, 0, 0, 0);
        for (int y = 0; y < 50; y++) {
            for (int x = 50; x < 100; x++) {
                img.setRGB(x, y, 0xFFFFFF);
            }
        }
        byte[] png = TestImages.png(img);
        int resize = ImageCrops.evalResize(32);
        byte[] px = new ImagePreparation(new InputShape(3, 32, 32), resize).prepare(png);
        assertArrayEquals(ImageCrops.eval(ImageDecoder.decode(png), resize, 32), px, "what RecordDecoder.eval gives a shard record");
    }

    @Test
    void unreadableFilesAndImpossibleShapesAreRefused() {
        ImagePreparation p = new ImagePreparation(new InputShape(3, 32, 32), 32);
        InvalidDataException empty = assertThrows(InvalidDataException.class, () -> p.prepare(new byte[0]));
        assertTrue(empty.getMessage().contains("empty file"), empty.getMessage());
        assertThrows(InvalidDataException.class, () -> p.prepare("plain text".getBytes()));
        IllegalArgumentException wide = assertThrows(IllegalArgumentException.class,
                () -> new ImagePreparation(new InputShape(3, 32, 64), 32));
        assertTrue(wide.getMessage().contains("square"), wide.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ImagePreparation(new InputShape(4, 32, 32), 32));
        assertThrows(IllegalArgumentException.class, () -> new ImagePreparation(new InputShape(3, 32, 32), 16));
    }
}
