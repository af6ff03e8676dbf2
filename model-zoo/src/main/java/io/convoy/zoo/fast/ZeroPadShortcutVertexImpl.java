package io.convoy.zoo.fast;

import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import io.convoy.zoo.vertex.ParameterFreeVertexImpl;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The runtime side of {@link ZeroPadShortcutVertex}; NCHW. */
final class ZeroPadShortcutVertexImpl extends ParameterFreeVertexImpl {
    private final int stride;
    private final int outChannels;

    ZeroPadShortcutVertexImpl(ComputationGraph graph, String name, int vertexIndex, int stride, int outChannels,
                              DataType dataType) {
        super(graph, name, vertexIndex, dataType);
        this.stride = stride;
        this.outChannels = outChannels;
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("zero-pad shortcut " + vertexName + ": input not set");
        }
        INDArray x = ChannelData.contiguous(inputs[0].castTo(dataType));
        if (x.rank() != 4 || x.size(1) > outChannels) {
            throw new IllegalStateException("zero-pad shortcut " + vertexName + ": expected NCHW input with at most "
                    + outChannels + " channels, got " + java.util.Arrays.toString(x.shape()));
        }
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        int oh = (h + stride - 1) / stride;
        int ow = (w + stride - 1) / stride;
        INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, dataType, new long[] {n, outChannels, oh, ow}, 'c');
        copy(ChannelData.of(x), ChannelData.of(out), n, c, h, w, true);
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("zero-pad shortcut " + vertexName + ": errors not set");
        }
        INDArray x = inputs[0];
        INDArray eps = ChannelData.contiguous(epsilon.castTo(dataType));
        int n = (int) x.size(0);
        int c = (int) x.size(1);
        int h = (int) x.size(2);
        int w = (int) x.size(3);
        // zeros where the subsample skipped a pixel
        INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        copy(ChannelData.of(eps), ChannelData.of(dx), n, c, h, w, false);
        return new Pair<>(null, new INDArray[] {dx});
    }

    /**
     * Between the input layout [n, c, h, w] and the output layout [n, outChannels, oh, ow]: forward gathers every
     * stride-th pixel of the input into the output's first c channels; backward scatters the output's gradient back
     * to those pixels (the destination arrays are zeroed, which leaves the skipped pixels and the pad channels 0).
     */
    private void copy(ChannelData from, ChannelData to, int n, int c, int h, int w, boolean forward) {
        int oh = (h + stride - 1) / stride;
        int ow = (w + stride - 1) / stride;
        BatchNormKernels.forChannels(n, img -> {
            for (int ch = 0; ch < c; ch++) {
                int in0 = (img * c + ch) * h * w;
                int out0 = (img * outChannels + ch) * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int inRow = in0 + i * stride * w;
                    int outRow = out0 + i * ow;
                    for (int j = 0; j < ow; j++) {
                        if (forward) {
                            to.set(outRow + j, from.get(inRow + j * stride));
                        } else {
                            to.set(inRow + j * stride, from.get(outRow + j));
                        }
                    }
                }
            }
        });
    }

    @Override
    public String toString() {
        return "ZeroPadShortcutVertex(name=" + vertexName + ")";
    }
}
