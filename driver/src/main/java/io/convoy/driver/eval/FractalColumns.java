package io.convoy.driver.eval;

import io.convoy.zoo.vertex.DropPathJoinVertex;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;

/**
 * The deepest column of a FractalNet as a network of its own (Larsson et al. 2017, section 4.2 and
 * Table 3: the deepest column alone, extracted from the trained net, is nearly as good as the whole).
 *
 * <p>The graph is the trained one with every drop-path join told to pass only its deepest input
 * (its highest column id); joins carry no parameters, so the trained parameter vector fits the new
 * graph unchanged. Each join is given its own deepest id rather than one global column number:
 * in the fractal expansion the joins inside a column's first half number their inputs from 1 again,
 * so a single global id would not be found there and such a join would go back to averaging.
 */
public final class FractalColumns {
    private FractalColumns() {
    }

    /** Whether the graph has drop-path joins (a FractalNet). */
    public static boolean isFractal(ComputationGraphConfiguration conf) {
        return conf.getVertices().values().stream().anyMatch(v -> v instanceof DropPathJoinVertex);
    }

    /** The deepest-column graph of a FractalNet, or empty for any other network. */
    public static Optional<ComputationGraphConfiguration> deepestColumn(ComputationGraphConfiguration conf) {
        if (!isFractal(conf)) {
            return Optional.empty();
        }
        ComputationGraphConfiguration copy = conf.clone();
        Map<String, GraphVertex> vertices = copy.getVertices();
        for (Map.Entry<String, GraphVertex> e : vertices.entrySet()) {
            if (e.getValue() instanceof DropPathJoinVertex join) {
                int deepest = Arrays.stream(join.getColumns()).max().orElseThrow();
                e.setValue(join.withOnlyColumn(deepest));
            }
        }
        return Optional.of(copy);
    }
}
