package io.convoy.zoo.fast;

import io.convoy.zoo.vertex.ParameterFreeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * The option-A shortcut of He et al. 2016 (section 4.2) in one pass: every {@code stride}-th pixel of
 * the input (x[:, :, ::s, ::s]) followed by zero channels up to {@code outChannels}. DL4J builds the same
 * from a 1x1 max pool (whose backward is slow in libnd4j), a zero-scaled copy and a concatenation.
 */
public final class ZeroPadShortcutVertex extends ParameterFreeVertex {
    private final int stride;
    private final int outChannels;

    public ZeroPadShortcutVertex(@JsonProperty("stride") int stride, @JsonProperty("outChannels") int outChannels) {
        if (stride < 1 || outChannels < 1) {
            throw new IllegalArgumentException("zero-pad shortcut needs stride >= 1 and outChannels >= 1, got stride "
                    + stride + ", outChannels " + outChannels);
        }
        this.stride = stride;
        this.outChannels = outChannels;
    }

    public int getStride() {
        return stride;
    }

    public int getOutChannels() {
        return outChannels;
    }

    @Override
    public ZeroPadShortcutVertex clone() {
        return new ZeroPadShortcutVertex(stride, outChannels);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ZeroPadShortcutVertex v && v.stride == stride && v.outChannels == outChannels;
    }

    @Override
    public int hashCode() {
        return stride * 31 + outChannels;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        if (!(vertexInputs[0] instanceof InputType.InputTypeConvolutional in)) {
            throw new IllegalStateException("zero-pad shortcut needs convolutional input, got " + vertexInputs[0]);
        }
        if (in.getChannels() > outChannels) {
            throw new IllegalStateException("zero-pad shortcut cannot narrow " + in.getChannels() + " -> " + outChannels + " channels");
        }
        return InputType.convolutional(outHeight(in.getHeight()), outHeight(in.getWidth()), outChannels, in.getFormat());
    }

    long outHeight(long h) {
        return (h + stride - 1) / stride;
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        InputType out = getOutputType(-1, inputTypes);
        return new LayerMemoryReport.Builder(null, getClass(), inputTypes[0], out)
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new ZeroPadShortcutVertexImpl(graph, name, idx, stride, outChannels, networkDatatype);
    }

    @Override
    public String toString() {
        return "ZeroPadShortcutVertex(stride=" + stride + ", outChannels=" + outChannels + ")";
    }
}
