package io.convoy.zoo.fractalnet;

import static io.convoy.zoo.Blocks.convBnRelu;
import static io.convoy.zoo.Blocks.pool;
import static io.convoy.zoo.VertexNames.name;

import io.convoy.zoo.Blocks;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.UnknownModelException;
import io.convoy.zoo.vertex.DropPathJoinVertex;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration.GraphBuilder;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.layers.PoolingType;

/**
 * FractalNet (Larsson, Maire and Shakhnarovich 2017): the fractal expansion
 * f_1(z) = conv(z), f_{C+1}(z) = [f_C o f_C](z) (+) conv(z), where conv is 3x3 conv -> BN -> ReLU and
 * (+) is a join (element-wise mean, with drop-path in training); B blocks each followed by a 2x2 max
 * pool, with 64, 128, 256, 512, 512 channels (CIFAR, section 4). Joins merge every column that ends
 * at the same depth, as in the paper's Fig. 1, rather than nesting two-way means. Optional dropout
 * after each block (the paper's 0, 0.1, 0.2, 0.3, 0.4 for B = 5).
 */
public final class FractalNet {
    private static final int[] CHANNELS = {64, 128, 256, 512, 512};

    private final int blocks;
    private final int columns;
    private final double localDrop;
    private final double globalRatio;
    private final boolean blockDropout;

    private FractalNet(int blocks, int columns, double localDrop, double globalRatio, boolean blockDropout) {
        this.blocks = blocks;
        this.columns = columns;
        this.localDrop = localDrop;
        this.globalRatio = globalRatio;
        this.blockDropout = blockDropout;
    }

    /**
     * @param localDrop   local drop-path probability per join input (paper: 0.15); 0 with globalRatio 0 = off
     * @param globalRatio fraction of minibatches in global mode (paper: 0.5)
     */
    public static FractalNet of(int blocks, int columns, double localDrop, double globalRatio, boolean blockDropout) {
        if (blocks < 1 || blocks > CHANNELS.length) {
            throw new UnknownModelException("FractalNet blocks must be 1.." + CHANNELS.length + ", got " + blocks);
        }
        if (columns < 1 || columns > 6) {
            throw new UnknownModelException("FractalNet columns must be 1..6, got " + columns);
        }
        if (!(localDrop >= 0 && localDrop < 1)) {
            throw new UnknownModelException("FractalNet local drop-path probability must be in [0, 1), got " + localDrop);
        }
        if (!(globalRatio >= 0 && globalRatio <= 1)) {
            throw new UnknownModelException("FractalNet global drop-path ratio must be in [0, 1], got " + globalRatio);
        }
        return new FractalNet(blocks, columns, localDrop, globalRatio, blockDropout);
    }

    /** Depth of the deepest column: B x 2^(C-1) convolutions. */
    public int depth() {
        return blocks * (1 << (columns - 1));
    }

    public ComputationGraphConfiguration build(ModelRequest request) {
        return build(request, 0);
    }

    /** @param onlyColumn 0 for the whole net, else keep that column alone at every join (C = the deepest) */
    public ComputationGraphConfiguration build(ModelRequest request, int onlyColumn) {
        GraphBuilder g = Blocks.graph(request);
        String x = "input";
        for (int b = 0; b < blocks; b++) {
            Builder block = new Builder(g, "block" + (b + 1), CHANNELS[b], request.seed(), onlyColumn);
            x = block.join("out", block.fractal(columns, x, "c"));
            x = pool(g, name("block" + (b + 1), "pool"), x, PoolingType.MAX, 2, 2);
            if (blockDropout && b > 0) {
                x = Blocks.dropout(g, name("block" + (b + 1), "dropout"), x, 0.1 * b);
            }
        }
        Blocks.classifier(g, x, request.numClasses());
        return g.build();
    }

    /** One column output waiting to be joined. */
    private record Column(int column, String vertex) {
    }

    private final class Builder {
        private final GraphBuilder g;
        private final String prefix;
        private final int channels;
        private final long seed;
        private final int onlyColumn;
        private int joins;

        Builder(GraphBuilder g, String prefix, int channels, long seed, int onlyColumn) {
            this.g = g;
            this.prefix = prefix;
            this.channels = channels;
            this.seed = seed;
            this.onlyColumn = onlyColumn;
        }

        /** f_c(z) as the list of column outputs a join will merge; column 1 is the shallowest. */
        List<Column> fractal(int c, String z, String path) {
            List<Column> out = new ArrayList<>();
            if (c > 1) {
                String inner = join("join" + (++joins), fractal(c - 1, z, path + "a"));
                for (Column col : fractal(c - 1, inner, path + "b")) {
                    out.add(new Column(col.column() + 1, col.vertex()));
                }
            }
            out.add(new Column(1, convBnRelu(g, name(prefix, path + c), z, channels, 3, 1)));
            return out;
        }

        String join(String suffix, List<Column> cols) {
            String n = name(prefix, suffix);
            int[] ids = cols.stream().mapToInt(Column::column).toArray();
            GraphVertex v = new DropPathJoinVertex(ids, columns, localDrop, globalRatio, seed, onlyColumn);
            g.addVertex(n, v, cols.stream().map(Column::vertex).toArray(String[]::new));
            return n;
        }
    }
}
