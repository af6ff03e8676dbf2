package io.convoy.zoo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.convoy.zoo.fractalnet.FractalNet;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Every join names its inputs by the block's column numbers, inner joins included: the deepest-column net
 * (C = 3) depends on the convolutions of column 3 only, not on the shallower columns' weights.
 */
class FractalColumnNumberingTest {
    private static INDArray output(ComputationGraph net, INDArray x) {
        return net.outputSingle(false, x).dup();
    }

    private static void perturb(ComputationGraph net, String conv) {
        INDArray w = net.getLayer(conv).getParam("W");
        w.addi(Nd4j.rand(w.dataType(), w.shape()));
    }

    @Test
    void theDeepestColumnIgnoresShallowColumnsAtEveryJoin() {
        ModelRequest request = new ModelRequest(new InputShape(3, 8, 8), 4, 7, new Sgd(0.1), 0);
        ComputationGraph net = new ComputationGraph(FractalNet.of(1, 3, 0.15, 0.5, false).build(request, 3));
        net.init();
        INDArray x = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 8, 8);
        INDArray before = output(net, x);

        perturb(net, "block1.c3.conv");   // column 1: the single conv at the top level
        perturb(net, "block1.ca2.conv");  // column 2, joined by the inner join of the first half
        perturb(net, "block1.cb2.conv");  // column 2 of the second half
        assertEquals(before, output(net, x), "column 3 alone does not see columns 1 and 2");

        perturb(net, "block1.caa1.conv"); // on column 3's path
        assertNotEquals(before, output(net, x));
    }
}
