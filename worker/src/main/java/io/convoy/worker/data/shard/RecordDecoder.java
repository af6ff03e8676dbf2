package io.convoy.worker.data.shard;

import io.convoy.worker.augment.ImageCrops;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.image.DecodedImage;
import io.convoy.worker.data.image.ImageDecoder;
import io.convoy.zoo.InputShape;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * Turns shard records into fixed-shape pixels inside a task. RAW records are checked and passed on
 * (their crop and flip happen when the pixels become floats, see {@code ImageTransform}); IMAGE
 * records are decoded and cropped here: the random-resized crop and flip for training, resize and
 * centre crop for evaluation.
 *
 * @param encoding   how the records are stored
 * @param rawShape   the shape of RAW records (ignored for IMAGE)
 * @param numClasses labels must lie in 0..numClasses-1
 * @param imageSize  side of the square crop of IMAGE records
 * @param flip       random horizontal flip of IMAGE records in training
 */
public record RecordDecoder(RecordEncoding encoding, InputShape rawShape, int numClasses, int imageSize, boolean flip)
        implements Serializable {

    /** The shape of what {@link #train} and {@link #eval} return. */
    public InputShape outputShape() {
        return encoding == RecordEncoding.RAW ? rawShape : new InputShape(DecodedImage.CHANNELS, imageSize, imageSize);
    }

    /** @throws InvalidDataException for a corrupt record (message without the shard: the caller adds it) */
    public ImageRecord train(ShardRecord r, SplittableRandom rng) {
        checkLabel(r);
        return switch (encoding) {
            case RAW -> raw(r);
            case IMAGE -> new ImageRecord(r.id(), r.label(), ImageCrops.train(ImageDecoder.decode(r.payload()), imageSize, flip, rng));
        };
    }

    public ImageRecord eval(ShardRecord r) {
        checkLabel(r);
        return switch (encoding) {
            case RAW -> raw(r);
            case IMAGE -> new ImageRecord(r.id(), r.label(),
                    ImageCrops.eval(ImageDecoder.decode(r.payload()), ImageCrops.evalResize(imageSize), imageSize));
        };
    }

    private ImageRecord raw(ShardRecord r) {
        if (r.payload().length != rawShape.pixels()) {
            throw new InvalidDataException(r.payload().length + " pixel bytes, expected " + rawShape.pixels()
                    + " (" + rawShape + ")");
        }
        return new ImageRecord(r.id(), r.label(), r.payload());
    }

    private void checkLabel(ShardRecord r) {
        if (r.label() < 0 || r.label() >= numClasses) {
            throw new InvalidDataException("label " + r.label() + " is out of range 0-" + (numClasses - 1));
        }
    }
}
