package io.convoy.zoo;

import org.deeplearning4j.nn.conf.inputs.InputType;

/** Image input in channels-height-width order, as the networks see it (NCHW). */
public record InputShape(int channels, int height, int width) implements java.io.Serializable {
    public InputShape {
        if (channels <= 0 || height <= 0 || width <= 0) {
            throw new IllegalArgumentException(
                    "input shape must be positive, got " + channels + "x" + height + "x" + width);
        }
    }

    public InputType toInputType() {
        return InputType.convolutional(height, width, channels);
    }

    public int pixels() {
        return channels * height * width;
    }

    @Override
    public String toString() {
        return channels + "x" + height + "x" + width;
    }
}
