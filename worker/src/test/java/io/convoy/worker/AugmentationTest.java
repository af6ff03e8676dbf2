package io.convoy.worker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.augment.Augmentation;
import io.convoy.worker.augment.ImageTransform;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.batch.MinibatchFunction;
import io.convoy.worker.data.ImageRecord;
import io.convoy.zoo.InputShape;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.DataSet;

class AugmentationTest {
    private static final Normalization UNIT = new Normalization(new double[] {0}, new double[] {1.0 / 255});

    private static byte[] ramp(int h, int w) {
        byte[] p = new byte[h * w];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) (i + 1);
        }
        return p;
    }

    @Test
    void evaluationTransformOnlyNormalises() {
        Normalization norm = new Normalization(new double[] {0.5}, new double[] {0.25});
        byte[] p = {0, (byte) 255, (byte) 128, 64};
        float[] out = new float[4];
        ImageTransform.apply(p, 1, 2, 2, new Augmentation(4, true), norm, null, out, 0);
        assertEquals((0 / 255.0 - 0.5) / 0.25, out[0], 1e-5);
        assertEquals((1 - 0.5) / 0.25, out[1], 1e-5);
        assertEquals((64 / 255.0 - 0.5) / 0.25, out[3], 1e-5);
    }

    @Test
    void cropsAreShiftsWithinThePadAndFlipsMirror() {
        int h = 6;
        int w = 6;
        byte[] p = ramp(h, w);
        Set<String> seen = new HashSet<>();
        SplittableRandom rng = new SplittableRandom(3);
        for (int trial = 0; trial < 300; trial++) {
            float[] out = new float[h * w];
            ImageTransform.apply(p, 1, h, w, new Augmentation(2, true), UNIT, rng, out, 0);
            // find the shift/flip that explains the output
            String match = null;
            for (int dy = -2; dy <= 2 && match == null; dy++) {
                for (int dx = -2; dx <= 2 && match == null; dx++) {
                    for (int f = 0; f < 2 && match == null; f++) {
                        if (explains(p, out, h, w, dy, dx, f == 1)) {
                            match = dy + "," + dx + "," + f;
                        }
                    }
                }
            }
            assertTrue(match != null, "output is a shifted (and maybe flipped) copy with zero fill");
            seen.add(match);
        }
        assertEquals(50, seen.size(), "all 25 shifts x 2 flips occur");
    }

    private static boolean explains(byte[] p, float[] out, int h, int w, int dy, int dx, boolean flip) {
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int sy = y + dy;
                int sx = (flip ? w - 1 - x : x) + dx;
                float expected = (sy >= 0 && sy < h && sx >= 0 && sx < w) ? p[sy * w + sx] & 0xff : 0;
                if (Math.abs(out[y * w + x] - expected) > 1e-3) {
                    return false;
                }
            }
        }
        return true;
    }

    @Test
    void minibatchesAreDeterministicPerEpochAndPartition() {
        List<ImageRecord> records = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            records.add(new ImageRecord(i, i % 3, ramp(6, 6)));
        }
        InputShape shape = new InputShape(1, 6, 6);
        MinibatchFunction f = new MinibatchFunction(shape, 3, 4, new Augmentation(2, true), UNIT, 7, 1);
        List<DataSet> a = collect(f, records);
        List<DataSet> b = collect(f, records);
        assertEquals(List.of(4L, 4L, 2L), a.stream().map(d -> d.getFeatures().size(0)).toList());
        for (int i = 0; i < a.size(); i++) {
            assertArrayEquals(a.get(i).getFeatures().data().asFloat(), b.get(i).getFeatures().data().asFloat());
        }
        assertEquals(1.0, a.get(0).getLabels().getDouble(1, 1), "one-hot label of record 1");
        MinibatchFunction nextEpoch = new MinibatchFunction(shape, 3, 4, new Augmentation(2, true), UNIT, 7, 2);
        boolean differs = false;
        List<DataSet> c = collect(nextEpoch, records);
        for (int i = 0; i < a.size(); i++) {
            differs |= !java.util.Arrays.equals(a.get(i).getFeatures().data().asFloat(), c.get(i).getFeatures().data().asFloat());
        }
        assertTrue(differs, "another epoch draws other crops");
    }

    private static List<DataSet> collect(MinibatchFunction f, List<ImageRecord> records) {
        List<DataSet> out = new ArrayList<>();
        f.call(0, records.iterator()).forEachRemaining(out::add);
        return out;
    }

    @Test
    void normalisationIsMeasuredPerChannel() {
        byte[] p = new byte[2 * 4];
        for (int i = 0; i < 4; i++) {
            p[i] = (byte) 255;            // channel 0: all white
            p[4 + i] = (byte) (i % 2 == 0 ? 0 : 255); // channel 1: half
        }
        Normalization n = Normalization.measure(List.of(new ImageRecord(0, 0, p)), 2);
        assertEquals(1.0, n.mean()[0], 1e-9);
        assertEquals(0.5, n.mean()[1], 1e-9);
        assertEquals(0.5, n.std()[1], 1e-9);
    }
}
