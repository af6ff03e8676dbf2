package io.convoy.zoo.fast;

import io.convoy.zoo.vertex.ParameterFreeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * max(0, a + b) of two inputs of the same shape in one pass: the residual addition and the ReLU after
 * it (He et al. 2016, Fig. 2) without DL4J's ElementWiseVertex copy-then-add and ActivationLayer's
 * copy; its backward writes the masked gradient for both inputs in one pass. Serialises with the model.
 */
public final class AddReluVertex extends ParameterFreeVertex {
    @Override
    public AddReluVertex clone() {
        return new AddReluVertex();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AddReluVertex;
    }

    @Override
    public int hashCode() {
        return AddReluVertex.class.hashCode();
    }

    @Override
    public int minVertexInputs() {
        return 2;
    }

    @Override
    public int maxVertexInputs() {
        return 2;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        if (vertexInputs.length != 2 || !vertexInputs[0].equals(vertexInputs[1])) {
            throw new IllegalStateException("AddReluVertex needs two inputs of the same type, got "
                    + java.util.Arrays.toString(vertexInputs));
        }
        return vertexInputs[0];
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new AddReluVertexImpl(graph, name, idx, networkDatatype);
    }

    @Override
    public String toString() {
        return "AddReluVertex()";
    }
}
