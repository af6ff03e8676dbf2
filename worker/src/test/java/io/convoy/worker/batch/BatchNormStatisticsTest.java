package io.convoy.worker.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import io.convoy.zoo.fast.FastBatchNormLayer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.graph.vertex.GraphVertex;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Precise BatchNorm's two ways of measuring agree, and the running statistics survive a round trip. */
class BatchNormStatisticsTest {
    private static ComputationGraph resnet8() {
        ComputationGraph net = new ComputationGraph(ModelZoo.build("resnet8", ModelRequest.cifar10()));
        net.init();
        return net;
    }

    private static List<DataSet> batches(int n) {
        Nd4j.getRandom().setSeed(5);
        List<DataSet> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            INDArray x = Nd4j.randn(DataType.FLOAT, 8, 3, 32, 32).muli(1.5).addi(0.3);
            out.add(new DataSet(x, Nd4j.eye(10).getRows(0, 1, 2, 3, 4, 5, 6, 7)));
        }
        return out;
    }

    @Test
    void theFastLayersOwnStatisticsEqualTheActivationsReduced() {
        ComputationGraph net = resnet8();
        Map<String, FastBatchNormLayer> fast = new LinkedHashMap<>();
        for (GraphVertex v : net.getVertices()) {
            if (v.hasLayer() && v.getLayer() instanceof FastBatchNormLayer f) {
                fast.put(v.getVertexName(), f);
            }
        }
        assertTrue(fast.size() >= 7, "resnet8's BatchNorm layers are Convoy's: " + fast.size());
        List<DataSet> data = batches(3);
        BatchNormStatistics a = BatchNormStatistics.measureFromActivations(net, data.iterator(), 10);
        BatchNormStatistics b = BatchNormStatistics.measure(net, data.iterator(), 10);
        assertEquals(3, a.batches());
        assertEquals(3, b.batches());
        ComputationGraph na = resnet8();
        ComputationGraph nb = resnet8();
        assertEquals(fast.size(), a.applyTo(na));
        assertEquals(fast.size(), b.applyTo(nb));
        assertArrayEquals(na.params().toDoubleVector(), nb.params().toDoubleVector(), 1e-4);
        assertTrue(na.params().sub(net.params()).amaxNumber().doubleValue() > 0.01, "the statistics were measured");
    }

    @Test
    void runningStatisticsApplyBackUnchanged() {
        ComputationGraph net = resnet8();
        BatchNormStatistics.measure(net, batches(2).iterator(), 10).applyTo(net);
        double[] before = net.params().toDoubleVector();
        BatchNormStatistics running = BatchNormStatistics.running(net);
        assertEquals(1, running.batches());
        // two workers with the same statistics average to them
        running.merge(BatchNormStatistics.running(net)).applyTo(net);
        assertArrayEquals(before, net.params().toDoubleVector(), 1e-5);
    }
}
