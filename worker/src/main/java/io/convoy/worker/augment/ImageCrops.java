package io.convoy.worker.augment;

import io.convoy.worker.data.image.DecodedImage;
import io.convoy.worker.data.image.Resampler;
import java.util.SplittableRandom;

/**
 * The ImageNet crops of the ResNet papers as torchvision implements them.
 * Training: a random-resized crop (area 8-100% of the image, aspect ratio 3/4-4/3, 10 tries then a
 * centre crop) resized to {@code size} x {@code size}, flipped horizontally with probability 0.5.
 * Evaluation: resize the shorter side to {@code resize} (256 for 224), then the centre
 * {@code size} x {@code size} crop, done as one resampling of the matching source rectangle.
 */
public final class ImageCrops {
    public static final double MIN_SCALE = 0.08;
    public static final double MAX_SCALE = 1.0;
    public static final double MIN_RATIO = 3.0 / 4;
    public static final double MAX_RATIO = 4.0 / 3;

    private ImageCrops() {
    }

    /** A crop rectangle in source pixels: top, left, height, width. */
    public record Box(int top, int left, int height, int width) {
    }

    public static Box randomResizedBox(int height, int width, SplittableRandom rng) {
        double area = (double) height * width;
        double logLo = Math.log(MIN_RATIO);
        double logHi = Math.log(MAX_RATIO);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (MIN_SCALE + rng.nextDouble() * (MAX_SCALE - MIN_SCALE));
            double ratio = Math.exp(logLo + rng.nextDouble() * (logHi - logLo));
            int w = (int) Math.round(Math.sqrt(target * ratio));
            int h = (int) Math.round(Math.sqrt(target / ratio));
            if (w > 0 && h > 0 && w <= width && h <= height) {
                int top = rng.nextInt(height - h + 1);
                int left = rng.nextInt(width - w + 1);
                return new Box(top, left, h, w);
            }
        }
        double inRatio = (double) width / height;
        int w;
        int h;
        if (inRatio < MIN_RATIO) {
            w = width;
            h = (int) Math.round(w / MIN_RATIO);
        } else if (inRatio > MAX_RATIO) {
            h = height;
            w = (int) Math.round(h * MAX_RATIO);
        } else {
            w = width;
            h = height;
        }
        return new Box((height - h) / 2, (width - w) / 2, h, w);
    }

    /** Training crop: 3 x size x size pixels, mirrored with probability 0.5 when {@code flip} is on. */
    public static byte[] train(DecodedImage img, int size, boolean flip, SplittableRandom rng) {
        Box b = randomResizedBox(img.height(), img.width(), rng);
        flip = flip && rng.nextBoolean();
        return Resampler.resize(img, b.left(), b.top(), b.width(), b.height(), size, size, flip);
    }

    /** Evaluation crop: shorter side to {@code resize}, centre {@code size} x {@code size}. */
    public static byte[] eval(DecodedImage img, int resize, int size) {
        double scale = (double) resize / Math.min(img.height(), img.width());
        double side = Math.min(size / scale, Math.min(img.height(), img.width()));
        double top = (img.height() - side) / 2;
        double left = (img.width() - side) / 2;
        return Resampler.resize(img, left, top, side, side, size, size, false);
    }

    /** The evaluation resize that goes with a crop size: 256 for 224, the same ratio otherwise. */
    public static int evalResize(int size) {
        return (int) Math.round(size * 256.0 / 224.0);
    }
}
