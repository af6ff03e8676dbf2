package io.convoy.zoo.fast;

import java.util.Arrays;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import io.convoy.zoo.vertex.ParameterFreeVertexImpl;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The runtime side of {@link AddReluVertex}. */
final class AddReluVertexImpl extends ParameterFreeVertexImpl {
    /** Elements per parallel chunk: large enough that the hand-off costs little. */
    private static final int CHUNK = 1 << 15;

    AddReluVertexImpl(ComputationGraph graph, String name, int vertexIndex, DataType dataType) {
        super(graph, name, vertexIndex, dataType);
    }

    @Override
    public INDArray doForward(boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoForward()) {
            throw new IllegalStateException("add-relu vertex " + vertexName + ": inputs not set");
        }
        INDArray a = ChannelData.contiguous(inputs[0].castTo(dataType));
        INDArray b = ChannelData.contiguous(inputs[1].castTo(dataType));
        checkShapes(a, b);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, a.shape(), 'c');
        ChannelData x = ChannelData.of(a);
        ChannelData y = ChannelData.of(b);
        ChannelData z = ChannelData.of(out);
        int length = Math.toIntExact(a.length());
        if (x instanceof ChannelData.Floats xf && y instanceof ChannelData.Floats yf && z instanceof ChannelData.Floats zf) {
            BatchNormKernels.forChannels(chunks(length), k -> { // float arrays: the loop the JIT vectorises
                int from = k * CHUNK;
                int len = Math.min(length - from, CHUNK);
                float[] xs = new float[len];
                float[] ys = new float[len];
                xf.load(from, xs, len);
                yf.load(from, ys, len);
                for (int i = 0; i < len; i++) {
                    xs[i] = Math.max(xs[i] + ys[i], 0f);
                }
                zf.store(from, xs, len);
            });
            return out;
        }
        BatchNormKernels.forChannels(chunks(length), k -> {
            for (int i = k * CHUNK, end = Math.min(length, i + CHUNK); i < end; i++) {
                z.set(i, Math.max(x.get(i) + y.get(i), 0.0));
            }
        });
        return out;
    }

    @Override
    public Pair<Gradient, INDArray[]> doBackward(boolean tbptt, LayerWorkspaceMgr workspaceMgr) {
        if (!canDoBackward()) {
            throw new IllegalStateException("add-relu vertex " + vertexName + ": errors not set");
        }
        INDArray a = ChannelData.contiguous(inputs[0].castTo(dataType));
        INDArray b = ChannelData.contiguous(inputs[1].castTo(dataType));
        INDArray eps = ChannelData.contiguous(epsilon.castTo(dataType));
        checkShapes(a, b);
        // two arrays, not one shared: DL4J adds further gradients into an input's epsilon in place
        INDArray da = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, a.shape(), 'c');
        INDArray db = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, a.shape(), 'c');
        ChannelData x = ChannelData.of(a);
        ChannelData y = ChannelData.of(b);
        ChannelData e = ChannelData.of(eps);
        ChannelData ga = ChannelData.of(da);
        ChannelData gb = ChannelData.of(db);
        int length = Math.toIntExact(a.length());
        if (x instanceof ChannelData.Floats xf && y instanceof ChannelData.Floats yf && e instanceof ChannelData.Floats ef
                && ga instanceof ChannelData.Floats gaf && gb instanceof ChannelData.Floats gbf) {
            BatchNormKernels.forChannels(chunks(length), k -> {
                int from = k * CHUNK;
                int len = Math.min(length - from, CHUNK);
                float[] xs = new float[len];
                float[] ys = new float[len];
                xf.load(from, xs, len);
                yf.load(from, ys, len);
                float[] es = new float[len];
                ef.load(from, es, len);
                for (int i = 0; i < len; i++) {
                    es[i] = es[i] * BatchNormKernels.positive(xs[i] + ys[i]);
                }
                gaf.store(from, es, len);
                gbf.store(from, es, len);
            });
            return new Pair<>(null, new INDArray[] {da, db});
        }
        BatchNormKernels.forChannels(chunks(length), k -> {
            for (int i = k * CHUNK, end = Math.min(length, i + CHUNK); i < end; i++) {
                double g = e.get(i) * BatchNormKernels.positive(x.get(i) + y.get(i));
                ga.set(i, g);
                gb.set(i, g);
            }
        });
        return new Pair<>(null, new INDArray[] {da, db});
    }

    private void checkShapes(INDArray a, INDArray b) {
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalStateException("add-relu vertex " + vertexName + ": inputs of different shapes "
                    + Arrays.toString(a.shape()) + " and " + Arrays.toString(b.shape()));
        }
    }

    private static int chunks(int length) {
        return (length + CHUNK - 1) / CHUNK;
    }

    @Override
    public String toString() {
        return "AddReluVertex(name=" + vertexName + ")";
    }
}
