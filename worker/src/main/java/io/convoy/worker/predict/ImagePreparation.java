package io.convoy.worker.predict;

import io.convoy.worker.augment.ImageCrops;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.image.DecodedImage;
import io.convoy.worker.data.image.ImageDecoder;
import io.convoy.zoo.InputShape;
import java.io.Serializable;

/**
 * Brings an image file to the pixels a run was evaluated on: decoded ({@link ImageDecoder}: JPEG, PNG and what
 * ImageIO reads), the shorter side resized to {@code resize} and the centre {@code H x W} cut, as evaluation
 * crops ({@link ImageCrops#eval}); a one-channel run (digits) gets the mean of the three colour channels.
 *
 * @param stored the shape of the run's stored (evaluation) images; square
 * @param resize the shorter side before the centre crop: {@code ImageCrops.evalResize(size)} for a run on image
 *               files (as its shards were evaluated), the stored size for a run on raw pixels (the whole image)
 */
public record ImagePreparation(InputShape stored, int resize) implements Serializable {
    public ImagePreparation {
        if (stored.height() != stored.width()) {
            throw new IllegalArgumentException("image files need a square network input, the run has " + stored);
        }
        if (stored.channels() != 1 && stored.channels() != DecodedImage.CHANNELS) {
            throw new IllegalArgumentException("image files give 1 or 3 channels, the run has " + stored);
        }
        if (resize < stored.height()) {
            throw new IllegalArgumentException("resize " + resize + " is smaller than the crop " + stored.height());
        }
    }

    /** @throws InvalidDataException when the bytes are not a readable image */
    public byte[] prepare(byte[] fileBytes) {
        if (fileBytes.length == 0) {
            throw new InvalidDataException("empty file");
        }
        DecodedImage img = ImageDecoder.decode(fileBytes);
        byte[] rgb = ImageCrops.eval(img, resize, stored.height());
        if (stored.channels() == DecodedImage.CHANNELS) {
            return rgb;
        }
        int plane = stored.height() * stored.width();
        byte[] grey = new byte[plane];
        for (int i = 0; i < plane; i++) {
            int sum = (rgb[i] & 0xff) + (rgb[plane + i] & 0xff) + (rgb[2 * plane + i] & 0xff);
            grey[i] = (byte) Math.round(sum / 3.0);
        }
        return grey;
    }
}
