package io.convoy.worker.augment;

import io.convoy.zoo.InputShape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What the network sees of each evaluation image; the class probabilities of the views are averaged.
 * <ul>
 *   <li>{@link #CENTRE}: the centre crop of the network's input size (the whole image when sizes agree);</li>
 *   <li>{@link #FLIP}: the centre crop and its horizontal mirror;</li>
 *   <li>{@link #TEN_CROP}: the four corner crops and the centre crop, and their mirrors (Krizhevsky et al.
 *       2012, section 4.1), for stored images larger than the network input.</li>
 * </ul>
 */
public enum TestTimeAugmentation {
    CENTRE("centre"), FLIP("flip"), TEN_CROP("ten-crop");

    private final String label;

    TestTimeAugmentation(String label) {
        this.label = label;
    }

    /** The name used on the command line and in result file names: centre, flip, ten-crop. */
    public String label() {
        return label;
    }

    /** Accepts the labels, the enum names and "center". */
    public static TestTimeAugmentation parse(String s) {
        String k = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (TestTimeAugmentation t : values()) {
            if (t.label.equals(k)) {
                return t;
            }
        }
        if (k.equals("center")) {
            return CENTRE;
        }
        throw new IllegalArgumentException("test-time augmentation '" + s + "': expected centre, flip or ten-crop");
    }

    /**
     * The views of an image of shape {@code stored} for a network taking {@code input}.
     *
     * @throws IllegalArgumentException when the channels differ, the image is smaller than the input, or
     *                                  ten-crop is asked for an image no larger than the input (its crops would coincide)
     */
    public List<CropView> views(InputShape stored, InputShape input) {
        if (stored.channels() != input.channels() || stored.height() < input.height() || stored.width() < input.width()) {
            throw new IllegalArgumentException("stored images are " + stored + ", the network takes " + input
                    + ": expected the same channels and images at least as large as the input");
        }
        int dy = stored.height() - input.height();
        int dx = stored.width() - input.width();
        // the centre crop rounds down, like torchvision's CenterCrop for even differences
        CropView centre = new CropView(dy / 2, dx / 2, input.height(), input.width(), false);
        List<CropView> out = new ArrayList<>();
        switch (this) {
            case CENTRE -> out.add(centre);
            case FLIP -> {
                out.add(centre);
                out.add(centre.flipped());
            }
            case TEN_CROP -> {
                if (dy == 0 && dx == 0) {
                    throw new IllegalArgumentException("ten-crop needs stored images larger than the network input; both are "
                            + input + " (use centre or flip)");
                }
                List<CropView> five = List.of(
                        new CropView(0, 0, input.height(), input.width(), false),
                        new CropView(0, dx, input.height(), input.width(), false),
                        new CropView(dy, 0, input.height(), input.width(), false),
                        new CropView(dy, dx, input.height(), input.width(), false),
                        centre);
                out.addAll(five);
                five.forEach(v -> out.add(v.flipped()));
            }
            default -> throw new AssertionError(this);
        }
        return out;
    }
}
