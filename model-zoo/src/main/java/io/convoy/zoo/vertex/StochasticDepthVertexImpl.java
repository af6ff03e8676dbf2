package io.convoy.zoo.vertex;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The runtime side of {@link StochasticDepthVertex}. */
final class StochasticDepthVertexImpl extends ParameterFreeVertexImpl {
    private final double survivalProbability;
    private final long seed;
    /** The decision of the last training forward pass, which backward must follow. */
    private boolean kept = true;

    StochasticDepthVertexImpl(ComputationGraph graph, String name, int vertexIndex, double survivalProbability,
                              long seed, DataType dataType) {
        super(graph, name, vertexIndex, dataType);
        this.survivalProbability = survivalProbability;
        this.seed = seed;
    }



    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("stochastic depth vertex " + vertexName + ": inputs not set");
        }
        try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
            if (!training) {
                return inputs[0].mul(survivalProbability);
            }
            kept = StochasticDepthVertex.survives(seed, vertexIndex, graph.getIterationCount(), survivalProbability);
            return kept ? inputs[0].dup() : inputs[0].mul(0.0);
        }
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("stochastic depth vertex " + vertexName + ": errors not set");
        }
        try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATION_GRAD)) {
            return new Pair<>(null, new INDArray[] {kept ? epsilon.dup() : epsilon.mul(0.0)});
        }
    }



}
