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
 *
 * <p><b>Where the width changes.</b> The paper does not say. Two readings are built:
 * <ul>
 *   <li>as released (the authors' Caffe generator, gustavla/fractalnet {@code generation/fractalnet.py}):
 *       the first convolution of every column takes the previous block's channels. FractalNet-20
 *       (B=5, C=3) then has 33,724,618 trainable parameters: per block 3 convolutions c_in -> c and 4
 *       convolutions c -> c, 9 * (3 c_in c + 4 c^2) weights, summing to 33,698,880 over the five blocks,
 *       plus 20,608 BatchNorm scales and shifts and a 5,130-parameter classifier. (The Caffe net has conv
 *       biases and a BatchNorm without scale and shift: 33,714,314; the PyTorch port khanrc/pt.fractalnet
 *       reports 33.7M for it too.)</li>
 *   <li>with an <em>entry projection</em>: a 1x1 conv -> BN -> ReLU at the start of each block whose
 *       width differs from its input's (blocks 1-4 for CIFAR), so that all 35 3x3 convolutions are c -> c:
 *       9 * 7 * (64^2 + 128^2 + 256^2 + 2 * 512^2) = 38,449,152 weights, plus 172,224 in the projections,
 *       22,528 BatchNorm and 5,130 classifier parameters: 38,649,034, the paper's "38.6M" (Table 1) within
 *       its rounding (0.13% above). This reading is the one that reproduces the published count; a 1x1
 *       projection in every block (what that port's {@code --doubling} option adds; it reports 38.9M)
 *       gives 38,912,202 (0.8% above), and counting every 3x3 as c -> c without projections 38.47M
 *       (0.3% below, outside the rounding). Neither reading explains the 22.9M of the paper's 40-layer
 *       net (C=4): with these channels it would have 76.1M or 82.6M, so that net used other widths.</li>
 * </ul>
 */
public final class FractalNet {
    private static final int[] CHANNELS = {64, 128, 256, 512, 512};
    /** The paper's local drop-path probability per join input (section 4). */
    public static final double PAPER_LOCAL_DROP = 0.15;
    /** The paper's fraction of minibatches in global drop-path mode (section 4). */
    public static final double PAPER_GLOBAL_RATIO = 0.5;

    private final int blocks;
    private final int columns;
    private final double localDrop;
    private final double globalRatio;
    private final boolean blockDropout;
    private final boolean entryProjection;

    private FractalNet(int blocks, int columns, double localDrop, double globalRatio, boolean blockDropout,
                       boolean entryProjection) {
        this.blocks = blocks;
        this.columns = columns;
        this.localDrop = localDrop;
        this.globalRatio = globalRatio;
        this.blockDropout = blockDropout;
        this.entryProjection = entryProjection;
    }

    /**
     * This net with (true) or without (false, the default: as released) a 1x1 conv -> BN -> ReLU at the
     * entry of every block that changes the width; see the class comment.
     */
    public FractalNet withEntryProjection(boolean projection) {
        return new FractalNet(blocks, columns, localDrop, globalRatio, blockDropout, projection);
    }

    /**
     * @param localDrop   local drop-path probability per join input (paper: {@link #PAPER_LOCAL_DROP}); 0 with
     *                    globalRatio 0 = off
     * @param globalRatio fraction of minibatches in global mode (paper: {@link #PAPER_GLOBAL_RATIO})
     */
    public static FractalNet of(int blocks, int columns, double localDrop, double globalRatio, boolean blockDropout) {
        if (blocks < 1 || blocks > CHANNELS.length) {
            throw new UnknownModelException("FractalNet blocks B must be 1.." + CHANNELS.length
                    + " (one per channel width 64, 128, 256, 512, 512), got " + blocks);
        }
        if (columns < 1 || columns > 6) {
            throw new UnknownModelException("FractalNet columns C must be 1..6, got " + columns);
        }
        if (!(localDrop >= 0 && localDrop < 1)) {
            throw new UnknownModelException("FractalNet local drop-path probability must be in [0, 1), got " + localDrop);
        }
        if (!(globalRatio >= 0 && globalRatio <= 1)) {
            throw new UnknownModelException("FractalNet global drop-path ratio must be in [0, 1], got " + globalRatio);
        }
        return new FractalNet(blocks, columns, localDrop, globalRatio, blockDropout, false);
    }

    /** B blocks of C columns with the paper's drop-path and block dropout, as released (no entry projections). */
    public static FractalNet paper(int blocks, int columns) {
        return of(blocks, columns, PAPER_LOCAL_DROP, PAPER_GLOBAL_RATIO, true);
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
        if (onlyColumn < 0 || onlyColumn > columns) {
            throw new UnknownModelException("FractalNet column to keep must be 0 (all) or 1.." + columns + ", got " + onlyColumn);
        }
        int side = Math.min(request.input().height(), request.input().width());
        if (side < (1 << blocks)) {
            throw new UnknownModelException("FractalNet with B=" + blocks + " blocks halves its input " + blocks
                    + " times: it needs at least " + (1 << blocks) + "x" + (1 << blocks) + " pixels, got " + request.input());
        }
        GraphBuilder g = Blocks.graph(request);
        String x = "input";
        int width = request.input().channels();
        for (int b = 0; b < blocks; b++) {
            int channels = request.channels(CHANNELS[b]);
            if (entryProjection && channels != width) {
                x = convBnRelu(g, name("block" + (b + 1), "entry"), x, channels, 1, 1);
            }
            width = channels;
            Builder block = new Builder(g, "block" + (b + 1), channels, request.seed(), onlyColumn);
            x = block.join("out", block.fractal(columns, x, "c", 0));
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

        /**
         * f_c(z) as the list of column outputs a join will merge. Columns are numbered for the whole block
         * (1 = the shallowest, C = the deepest): f_c nested {@code offset} levels deep spans columns
         * offset+1 .. offset+c, so every join, inner ones included, names its inputs by the block's column
         * numbers. Global drop-path and the deepest-column variant rely on that: an inner join on the
         * deepest path must recognise column C among its inputs.
         */
        List<Column> fractal(int c, String z, String path, int offset) {
            List<Column> out = new ArrayList<>();
            if (c > 1) {
                String inner = join("join" + (++joins), fractal(c - 1, z, path + "a", offset + 1));
                out.addAll(fractal(c - 1, inner, path + "b", offset + 1));
            }
            out.add(new Column(offset + 1, convBnRelu(g, name(prefix, path + c), z, channels, 3, 1)));
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
