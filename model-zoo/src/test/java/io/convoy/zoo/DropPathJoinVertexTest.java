package io.convoy.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.zoo.fractalnet.FractalNet;
import io.convoy.zoo.vertex.DropPathJoinVertex;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

class DropPathJoinVertexTest {
    @AfterEach
    void restoreFloat() {
        GradientChecks.restoreFloat();
    }

    /** Three convolutions (columns 1, 2, 3) joined by drop-path, in double precision. */
    private static ComputationGraph threeColumns(DropPathJoinVertex join) {
        return GradientChecks.tinyGraph(3, 4, 4, 2, 2, g -> g
                .addLayer("c1", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(), "in")
                .addLayer("c2", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(), "in")
                .addLayer("c3", new ConvolutionLayer.Builder(3, 3).nOut(2).activation(Activation.TANH).build(), "in")
                .addVertex("join", join, "c1", "c2", "c3"), "join");
    }

    /** local only, global only, and the paper's mix, each over several seeds (different kept sets). */
    @ParameterizedTest
    @CsvSource({"0.5,0.0,1", "0.5,0.0,2", "0.5,0.0,5", "0.0,1.0,1", "0.0,1.0,4", "0.15,0.5,7"})
    void gradientsAreRightForTheDrawnPaths(double local, double global, long seed) {
        GradientChecks.useDouble();
        ComputationGraph net = threeColumns(new DropPathJoinVertex(new int[] {1, 2, 3}, 3, local, global, seed, 0));
        assertTrue(GradientChecks.passes(net, GradientChecks.input(seed, 2, 2, 4, 4), GradientChecks.labels(2, 2)));
    }

    @Test
    void inferenceAveragesAllColumnsAndOnlyColumnSelectsOne() {
        GradientChecks.useDouble();
        ComputationGraph net = threeColumns(new DropPathJoinVertex(new int[] {1, 2, 3}, 3, 0.5, 0.5, 1, 0));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 4, 4);
        var acts = net.feedForward(x, false);
        INDArray mean = acts.get("c1").add(acts.get("c2")).add(acts.get("c3")).div(3);
        assertEquals(0.0, mean.sub(acts.get("join")).norm2Number().doubleValue(), 1e-12);

        ComputationGraph deepest = threeColumns(new DropPathJoinVertex(new int[] {1, 2, 3}, 3, 0.5, 0.5, 1, 3));
        deepest.setParams(net.params());
        var d = deepest.feedForward(x, false);
        assertEquals(0.0, d.get("c3").sub(d.get("join")).norm2Number().doubleValue(), 1e-12);
    }

    @Test
    void everyTrainingDrawKeepsAPath() {
        GradientChecks.useDouble();
        ComputationGraph net = threeColumns(new DropPathJoinVertex(new int[] {1, 2, 3}, 3, 0.9, 0.0, 11, 0));
        INDArray x = Nd4j.rand(DataType.DOUBLE, 2, 2, 4, 4);
        INDArray y = Nd4j.create(new double[][] {{1, 0}, {0, 1}});
        for (int it = 0; it < 30; it++) {
            net.getConfiguration().setIterationCount(it);
            net.setInputs(x);
            net.setLabels(y);
            net.computeGradientAndScore();
            assertTrue(Double.isFinite(net.score()), "iteration " + it);
        }
        assertThrows(IllegalArgumentException.class, () -> new DropPathJoinVertex(new int[] {1}, 1, 1.0, 0, 1, 0));
    }

    @Test
    void aSmallFractalNetTrainsAndKeepsItsStructure() {
        FractalNet fractal = FractalNet.of(2, 3, 0.15, 0.5, true);
        assertEquals(8, fractal.depth());
        ModelRequest r = new ModelRequest(new InputShape(3, 16, 16), 4, 1, new Sgd(0.05), 0);
        ComputationGraphConfiguration conf = fractal.build(r.withWidthMultiplier(0.25)); // 16 and 32 channels
        // C = 3: 7 convolutions per block, joins of 2 and 3 columns
        assertEquals(7, conf.getVertices().keySet().stream().filter(k -> k.startsWith("block1.") && k.endsWith(".conv")).count());
        assertEquals(conf, ComputationGraphConfiguration.fromJson(conf.toJson()));
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        INDArray x = Nd4j.rand(DataType.FLOAT, 4, 3, 16, 16);
        INDArray y = Nd4j.eye(4).castTo(DataType.FLOAT);
        double first = 0;
        for (int i = 0; i < 15; i++) {
            net.fit(new org.nd4j.linalg.dataset.DataSet(x, y));
            first = i == 0 ? net.score() : first;
        }
        assertTrue(net.score() < first, "loss falls: " + first + " -> " + net.score());
        assertThrows(UnknownModelException.class, () -> FractalNet.of(5, 3, 1.0, 0.5, true));
    }
}
