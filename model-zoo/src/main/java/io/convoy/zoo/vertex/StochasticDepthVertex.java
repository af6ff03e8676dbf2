package io.convoy.zoo.vertex;

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
public final class StochasticDepthVertex extends ParameterFreeVertex {
    private final double survivalProbability;
    private final long seed;

    public StochasticDepthVertex(@JsonProperty("survivalProbability") double survivalProbability,
                                 @JsonProperty("seed") long seed) {
        if (!(survivalProbability > 0 && survivalProbability <= 1)) {
            throw new io.convoy.zoo.UnknownModelException("survival probability must be in (0, 1], got " + survivalProbability);
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
        return Draws.uniform(seed, vertexIndex, iteration) < survivalProbability;
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
    public String toString() {
        return "StochasticDepthVertex(survival=" + survivalProbability + ")";
    }
}
