package io.convoy.worker.augment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.SyntheticImages;
import io.convoy.zoo.InputShape;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TestTimeAugmentationTest {
    /** mean 0, std 1/255: a rendered float equals the 8-bit pixel value */
    private static final Normalization IDENTITY = new Normalization(new double[] {0, 0}, new double[] {1.0 / 255, 1.0 / 255});
    private static final int H = 12;
    private static final int W = 10;

    /** Channel 0 holds y*W+x+1, channel 1 holds 255 minus that: every pixel says where it came from. */
    private static byte[] coordinates() {
        byte[] p = new byte[2 * H * W];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                p[y * W + x] = (byte) (y * W + x + 1);
                p[H * W + y * W + x] = (byte) (255 - (y * W + x + 1));
            }
        }
        return p;
    }

    private static float[] render(CropView v, byte[] pixels) {
        float[] out = new float[2 * v.height() * v.width()];
        v.render(pixels, 2, H, W, IDENTITY, out, 0);
        return out;
    }

    @Test
    void tenCropTakesTheFourCornersTheCentreAndTheirMirrors() {
        InputShape stored = new InputShape(2, H, W);
        InputShape input = new InputShape(2, 8, 6);
        List<CropView> views = TestTimeAugmentation.TEN_CROP.views(stored, input);
        assertEquals(10, views.size());
        assertEquals(10, new HashSet<>(views).size(), "ten distinct views");
        byte[] px = coordinates();
        // top-left pixel of each unflipped crop: corners (0,0), (0,4), (4,0), (4,4), centre (2,2)
        int[][] origins = {{0, 0}, {0, 4}, {4, 0}, {4, 4}, {2, 2}};
        for (int i = 0; i < 5; i++) {
            float[] crop = render(views.get(i), px);
            int y0 = origins[i][0];
            int x0 = origins[i][1];
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 6; x++) {
                    assertEquals((y0 + y) * W + (x0 + x) + 1, crop[y * 6 + x], "view " + i + " at " + y + "," + x);
                    assertEquals(255 - ((y0 + y) * W + (x0 + x) + 1), crop[48 + y * 6 + x], "channel 1");
                }
            }
            // the mirror of view i is view i+5: row by row reversed
            float[] mirror = render(views.get(i + 5), px);
            for (int c = 0; c < 2; c++) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 6; x++) {
                        assertEquals(crop[c * 48 + y * 6 + x], mirror[c * 48 + y * 6 + (5 - x)]);
                    }
                }
            }
        }
    }

    @Test
    void centreOfAnImageOfTheInputSizeIsWhatTrainingEvaluates() {
        Random rng = new Random(5);
        byte[] px = SyntheticImages.image(3, 2, H, W, rng);
        Normalization norm = new Normalization(new double[] {0.4, 0.6}, new double[] {0.2, 0.3});
        InputShape shape = new InputShape(2, H, W);
        List<CropView> views = TestTimeAugmentation.CENTRE.views(shape, shape);
        assertEquals(List.of(new CropView(0, 0, H, W, false)), views);
        float[] mine = new float[2 * H * W];
        views.get(0).render(px, 2, H, W, norm, mine, 0);
        float[] training = new float[2 * H * W];
        ImageTransform.apply(px, 2, H, W, Augmentation.NONE, norm, null, training, 0);
        assertArrayEquals(training, mine, "bit for bit");

        List<CropView> flip = TestTimeAugmentation.FLIP.views(shape, shape);
        assertEquals(2, flip.size());
        assertTrue(flip.get(1).flip());
    }

    @Test
    void centreCropOfALargerImageIsCentred() {
        CropView v = TestTimeAugmentation.CENTRE.views(new InputShape(2, H, W), new InputShape(2, 6, 6)).get(0);
        assertEquals(new CropView(3, 2, 6, 6, false), v);
        assertEquals(3 * W + 2 + 1, render(v, coordinates())[0]);
    }

    @Test
    void refusesViewsThatCannotBeTaken() {
        InputShape same = new InputShape(2, H, W);
        var e = assertThrows(IllegalArgumentException.class, () -> TestTimeAugmentation.TEN_CROP.views(same, same));
        assertTrue(e.getMessage().contains("larger than the network input"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> TestTimeAugmentation.CENTRE.views(new InputShape(2, 4, 4), new InputShape(2, 6, 6)));
        assertThrows(IllegalArgumentException.class,
                () -> TestTimeAugmentation.CENTRE.views(new InputShape(3, H, W), same));
        assertEquals(TestTimeAugmentation.TEN_CROP, TestTimeAugmentation.parse("ten-crop"));
        assertEquals(TestTimeAugmentation.CENTRE, TestTimeAugmentation.parse("center"));
        assertThrows(IllegalArgumentException.class, () -> TestTimeAugmentation.parse("five-crop"));
    }
}
