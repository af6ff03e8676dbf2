package io.convoy.zoo.vertex;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The runtime side of {@link DropPathJoinVertex}. */
final class DropPathJoinVertexImpl extends ParameterFreeVertexImpl {
    private final DropPathJoinVertex conf;
    private boolean[] kept;

    DropPathJoinVertexImpl(ComputationGraph graph, String name, int vertexIndex, DropPathJoinVertex conf, DataType dataType) {
        super(graph, name, vertexIndex, dataType);
        this.conf = conf;
    }



    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("drop-path join " + vertexName + ": inputs not set");
        }
        if (inputs.length != conf.getColumns().length) {
            throw new IllegalStateException("drop-path join " + vertexName + " has " + inputs.length
                    + " inputs but " + conf.getColumns().length + " columns configured");
        }
        kept = conf.kept(vertexIndex, graph.getIterationCount(), training);
        try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATIONS)) {
            INDArray sum = null;
            int count = 0;
            for (int i = 0; i < inputs.length; i++) {
                if (kept[i]) {
                    sum = sum == null ? inputs[i].dup() : sum.addi(inputs[i]);
                    count++;
                }
            }
            return sum.divi(count);
        }
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("drop-path join " + vertexName + ": errors not set");
        }
        int count = 0;
        for (boolean k : kept) {
            count += k ? 1 : 0;
        }
        try (MemoryWorkspace ws = workspaceMgr.notifyScopeBorrowed(ArrayType.ACTIVATION_GRAD)) {
            INDArray[] out = new INDArray[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                out[i] = kept[i] ? epsilon.div(count) : epsilon.mul(0.0);
            }
            return new Pair<>(null, out);
        }
    }



}
