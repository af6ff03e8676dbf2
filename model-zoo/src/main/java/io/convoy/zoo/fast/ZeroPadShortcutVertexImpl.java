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
        ChannelData src = ChannelData.of(x);
        ChannelData dst = ChannelData.of(out);
        BatchNormKernels.forChannels(n, img -> {
            for (int ch = 0; ch < c; ch++) {
                int in0 = (img * c + ch) * h * w;
                int out0 = (img * outChannels + ch) * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int inRow = in0 + i * stride * w;
                    int outRow = out0 + i * ow;
                    for (int j = 0; j < ow; j++) {
                        dst.set(outRow + j, src.get(inRow + j * stride));
                    }
                }
            }
        });
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
        int oh = (h + stride - 1) / stride;
        int ow = (w + stride - 1) / stride;
        // zeros where the subsample skipped a pixel
        INDArray dx = workspaceMgr.create(ArrayType.ACTIVATION_GRAD, dataType, x.shape(), 'c');
        ChannelData src = ChannelData.of(eps);
        ChannelData dst = ChannelData.of(dx);
        BatchNormKernels.forChannels(n, img -> {
            for (int ch = 0; ch < c; ch++) {
                int in0 = (img * c + ch) * h * w;
                int out0 = (img * outChannels + ch) * oh * ow;
                for (int i = 0; i < oh; i++) {
                    int inRow = in0 + i * stride * w;
                    int outRow = out0 + i * ow;
                    for (int j = 0; j < ow; j++) {
                        dst.set(inRow + j * stride, src.get(outRow + j));
                    }
                }
            }
        });
        return new Pair<>(null, new INDArray[] {dx});
    }

    @Override
    public String toString() {
        return "ZeroPadShortcutVertex(name=" + vertexName + ")";
    }
}
