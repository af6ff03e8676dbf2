package io.convoy.driver.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.zoo.InputShape;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * The deepest column of FractalNet B=1, C=3. Its path is block1.caa1 -> cab1 -> cba1 -> cbb1 (four
 * convolutions); ca2, cb2 and c3 are the shallower columns. The deepest-column net must not depend on
 * the shallower columns' weights at all, and must depend on every convolution of the deepest path.
 */
class FractalColumnsTest {
    private static final InputShape INPUT = new InputShape(3, 8, 8);

    private static ComputationGraph net(ComputationGraphConfiguration conf, INDArray params) {
        ComputationGraph g = new ComputationGraph(conf);
        g.init(params.dup(), true);
        return g;
    }

    private static INDArray out(ComputationGraph g, INDArray x) {
        return g.outputSingle(false, x);
    }

    private static void perturb(ComputationGraph g, String layer) {
        INDArray w = g.getLayer(layer).getParam("W");
        w.addi(Nd4j.rand(w.dataType(), w.shape()).muli(2));
    }

    @Test
    void deepestColumnUsesExactlyTheDeepestPath() {
        ComputationGraphConfiguration conf = ModelZoo.build("fractalnet_b1_c3", new ModelRequest(INPUT, 4, 7, new Sgd(0.1), 0));
        ComputationGraph full = new ComputationGraph(conf);
        full.init();
        ComputationGraphConfiguration deepestConf = FractalColumns.deepestColumn(conf).orElseThrow();
        assertTrue(FractalColumns.isFractal(conf));
        assertTrue(FractalColumns.deepestColumn(ModelZoo.build("resnet8", new ModelRequest(INPUT, 4, 7, new Sgd(0.1), 0))).isEmpty());

        INDArray x = Nd4j.rand(DataType.FLOAT, 5, 3, 8, 8);
        ComputationGraph deepest = net(deepestConf, full.params());
        INDArray base = out(deepest, x);
        INDArray fullBase = out(full, x);
        assertFalse(base.equalsWithEps(fullBase, 1e-6), "the deepest column alone differs from the whole net");

        for (String shallow : new String[] {"block1.ca2.conv", "block1.cb2.conv", "block1.c3.conv"}) {
            ComputationGraph d = net(deepestConf, full.params());
            perturb(d, shallow);
            assertArrayEquals(base.data().asFloat(), out(d, x).data().asFloat(), 0f, shallow + " is not on the deepest path");
            ComputationGraph f = net(conf, full.params());
            perturb(f, shallow);
            assertFalse(fullBase.equalsWithEps(out(f, x), 1e-6), "the whole net uses " + shallow);
        }
        for (String deep : new String[] {"block1.caa1.conv", "block1.cab1.conv", "block1.cba1.conv", "block1.cbb1.conv"}) {
            ComputationGraph d = net(deepestConf, full.params());
            perturb(d, deep);
            assertFalse(base.equalsWithEps(out(d, x), 1e-6), deep + " is on the deepest path");
        }
    }
}
