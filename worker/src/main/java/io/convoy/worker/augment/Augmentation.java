package io.convoy.worker.augment;

import java.io.Serializable;

/**
 * Training-time augmentation of the CIFAR recipe (He et al. 2016, section 4.2): pad each side with
 * {@code pad} zero pixels, take a random crop of the original size, and flip horizontally with
 * probability 0.5 when {@code flip} is on (off for digits, where a mirrored 2 is not a 2).
 */
public record Augmentation(int pad, boolean flip) implements Serializable {
    public static final Augmentation NONE = new Augmentation(0, false);

    public Augmentation {
        if (pad < 0) {
            throw new IllegalArgumentException("pad must be >= 0, got " + pad);
        }
    }

    public boolean isIdentity() {
        return pad == 0 && !flip;
    }
}
