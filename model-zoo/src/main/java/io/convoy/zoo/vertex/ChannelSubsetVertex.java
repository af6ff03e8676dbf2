package io.convoy.zoo.vertex;

import org.deeplearning4j.nn.conf.graph.SubsetVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InvalidInputTypeException;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * DL4J's {@link SubsetVertex} (channels {@code from..to}, inclusive) with the output type of
 * convolutional input corrected: 1.0.0-M2.1 reports {@code from - to + 1} channels there instead of
 * {@code to - from + 1}, which is right only for a single channel, so a graph using a wider subset fails
 * to build. The runtime side is DL4J's own, which selects the right channels.
 */
public final class ChannelSubsetVertex extends SubsetVertex {
    public ChannelSubsetVertex(@JsonProperty("from") int from, @JsonProperty("to") int to) {
        super(from, to);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException("channel subset needs 0 <= from <= to, got from " + from + ", to " + to);
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) throws InvalidInputTypeException {
        if (vertexInputs.length == 1 && vertexInputs[0] instanceof InputType.InputTypeConvolutional conv) {
            if (getTo() >= conv.getChannels()) {
                throw new InvalidInputTypeException("channel subset [" + getFrom() + ", " + getTo()
                        + "] of an input with " + conv.getChannels() + " channels");
            }
            return InputType.convolutional(conv.getHeight(), conv.getWidth(), getTo() - getFrom() + 1);
        }
        return super.getOutputType(layerIndex, vertexInputs);
    }

    @Override
    public ChannelSubsetVertex clone() {
        return new ChannelSubsetVertex(getFrom(), getTo());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelSubsetVertex v && v.getFrom() == getFrom() && v.getTo() == getTo();
    }

    @Override
    public int hashCode() {
        return 31 * getFrom() + getTo();
    }

    @Override
    public String toString() {
        return "ChannelSubsetVertex(from=" + getFrom() + ", to=" + getTo() + ")";
    }
}
