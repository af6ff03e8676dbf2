package io.convoy.zoo.vertex;

import java.util.Arrays;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * FractalNet's join (Larsson et al. 2017, section 3): the element-wise mean of its inputs, with
 * drop-path in training. Each input belongs to a column (1 = shallowest). Per minibatch the net is
 * either in <em>global</em> mode (with probability {@code globalRatio}: one column, the same for every
 * join, is kept, and a join passes only that column's input) or <em>local</em> mode (each input is
 * dropped with probability {@code localDropProbability}, at least one kept). The mean is over the
 * kept inputs. At inference all inputs are averaged. {@code onlyColumn} > 0 keeps that column alone
 * in training and inference: the deepest-column evaluation of the paper's Table 3.
 *
 * <p>Draws hash (seed, iteration[, vertex, input]), like {@link StochasticDepthVertex}, so the
 * global choice agrees across joins and repeated passes of one iteration agree.
 */
public final class DropPathJoinVertex extends ParameterFreeVertex {
    private final int[] columns;
    private final int numColumns;
    private final double localDropProbability;
    private final double globalRatio;
    private final long seed;
    private final int onlyColumn;

    public DropPathJoinVertex(@JsonProperty("columns") int[] columns, @JsonProperty("numColumns") int numColumns,
                              @JsonProperty("localDropProbability") double localDropProbability,
                              @JsonProperty("globalRatio") double globalRatio, @JsonProperty("seed") long seed,
                              @JsonProperty("onlyColumn") int onlyColumn) {
        if (!(localDropProbability >= 0 && localDropProbability < 1)) {
            throw new io.convoy.zoo.UnknownModelException("local drop probability must be in [0, 1), got " + localDropProbability);
        }
        if (!(globalRatio >= 0 && globalRatio <= 1)) {
            throw new io.convoy.zoo.UnknownModelException("global drop-path ratio must be in [0, 1], got " + globalRatio);
        }
        this.columns = columns.clone();
        this.numColumns = numColumns;
        this.localDropProbability = localDropProbability;
        this.globalRatio = globalRatio;
        this.seed = seed;
        this.onlyColumn = onlyColumn;
    }

    public int[] getColumns() {
        return columns.clone();
    }

    public int getNumColumns() {
        return numColumns;
    }

    public double getLocalDropProbability() {
        return localDropProbability;
    }

    public double getGlobalRatio() {
        return globalRatio;
    }

    public long getSeed() {
        return seed;
    }

    public int getOnlyColumn() {
        return onlyColumn;
    }

    /** This join with every drop-path setting the same but only one column kept. */
    public DropPathJoinVertex withOnlyColumn(int column) {
        return new DropPathJoinVertex(columns, numColumns, localDropProbability, globalRatio, seed, column);
    }

    /** Which inputs are kept; the same for the same arguments. */
    boolean[] kept(int vertexIndex, long iteration, boolean training) {
        boolean[] keep = new boolean[columns.length];
        if (onlyColumn > 0) {
            return select(onlyColumn);
        }
        if (!training) {
            Arrays.fill(keep, true);
            return keep;
        }
        if (Draws.uniform(seed, -1, iteration) < globalRatio) {
            int column = 1 + (int) (Draws.uniform(seed, -2, iteration) * numColumns);
            return select(column);
        }
        int count = 0;
        for (int i = 0; i < keep.length; i++) {
            keep[i] = Draws.uniform(seed, vertexIndex * 64L + i, iteration) >= localDropProbability;
            count += keep[i] ? 1 : 0;
        }
        if (count == 0) {
            keep[(int) (Draws.uniform(seed, vertexIndex * 64L + 63, iteration) * keep.length)] = true;
        }
        return keep;
    }

    private boolean[] select(int column) {
        boolean[] keep = new boolean[columns.length];
        boolean any = false;
        for (int i = 0; i < columns.length; i++) {
            keep[i] = columns[i] == column;
            any |= keep[i];
        }
        if (!any) {
            // this join is not on the chosen column's path: its output is not used; average as usual
            Arrays.fill(keep, true);
        }
        return keep;
    }


    @Override
    public DropPathJoinVertex clone() {
        return new DropPathJoinVertex(columns, numColumns, localDropProbability, globalRatio, seed, onlyColumn);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DropPathJoinVertex v && Arrays.equals(v.columns, columns) && v.numColumns == numColumns
                && v.localDropProbability == localDropProbability && v.globalRatio == globalRatio
                && v.seed == seed && v.onlyColumn == onlyColumn;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(columns) * 31 + Long.hashCode(seed) + onlyColumn;
    }



    @Override
    public int maxVertexInputs() {
        return Integer.MAX_VALUE;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new DropPathJoinVertexImpl(graph, name, idx, this, networkDatatype);
    }


}
