package io.convoy.zoo.vertex;

import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * Stochastic depth on a residual branch (Huang et al. 2016, "Deep Networks with Stochastic Depth"):
 * in training the whole branch passes with probability {@code survivalProbability} and is zero
 * otherwise, one draw per minibatch; at inference the branch is scaled by its survival probability.
 *
 * <p>The draw is a hash of (seed, vertex index, iteration count), not a stateful RNG: repeated
 * forward passes within one iteration (gradient checks, a re-run Spark task) see the same decision,
 * and a run is reproducible. Parameter-averaging workers at the same iteration draw alike.
 * Serialises with the model (DL4J stores vertex configurations by class name).
 */
public final class StochasticDepthVertex extends GraphVertex {
    private final double survivalProbability;
    private final long seed;

    public StochasticDepthVertex(@JsonProperty("survivalProbability") double survivalProbability,
                                 @JsonProperty("seed") long seed) {
        if (!(survivalProbability > 0 && survivalProbability <= 1)) {
            throw new IllegalArgumentException("survival probability must be in (0, 1], got " + survivalProbability);
        }
        this.survivalProbability = survivalProbability;
        this.seed = seed;
    }

    public double getSurvivalProbability() {
        return survivalProbability;
    }

    public long getSeed() {
        return seed;
    }

    /** Whether the branch survives at this iteration: the same answer for the same arguments, always. */
    public static boolean survives(long seed, int vertexIndex, long iteration, double survivalProbability) {
        long z = seed + 0x9E3779B97F4A7C15L * (vertexIndex + 1) + 0xBF58476D1CE4E5B9L * (iteration + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        double u = (z >>> 11) * 0x1.0p-53;
        return u < survivalProbability;
    }

    @Override
    public StochasticDepthVertex clone() {
        return new StochasticDepthVertex(survivalProbability, seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof StochasticDepthVertex v && v.survivalProbability == survivalProbability && v.seed == seed;
    }

    @Override
    public int hashCode() {
        return Double.hashCode(survivalProbability) * 31 + Long.hashCode(seed);
    }

    @Override
    public long numParams(boolean backprop) {
        return 0;
    }

    @Override
    public int minVertexInputs() {
        return 1;
    }

    @Override
    public int maxVertexInputs() {
        return 1;
    }

    @Override
    public org.deeplearning4j.nn.graph.vertex.GraphVertex instantiate(ComputationGraph graph, String name, int idx,
                                                                      INDArray paramsView, boolean initializeParams,
                                                                      DataType networkDatatype) {
        return new StochasticDepthVertexImpl(graph, name, idx, survivalProbability, seed, networkDatatype);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType... vertexInputs) {
        return vertexInputs[0];
    }

    @Override
    public MemoryReport getMemoryReport(InputType... inputTypes) {
        return new LayerMemoryReport.Builder(null, StochasticDepthVertex.class, inputTypes[0], inputTypes[0])
                .standardMemory(0, 0).workingMemory(0, 0, 0, 0).cacheMemory(0, 0).build();
    }

    @Override
    public String toString() {
        return "StochasticDepthVertex(survival=" + survivalProbability + ")";
    }
}
