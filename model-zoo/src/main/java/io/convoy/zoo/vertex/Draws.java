package io.convoy.zoo.vertex;

/**
 * The random draws of Convoy's stochastic vertices: a SplitMix-style hash of (seed, stream, iteration)
 * mapped to [0, 1). Stateless, so repeated passes of one iteration (gradient checks, re-run Spark
 * tasks) draw alike, and a run is reproducible from its seed.
 */
final class Draws {
    private Draws() {
    }

    static double uniform(long seed, long stream, long iteration) {
        long z = seed + 0x9E3779B97F4A7C15L * (stream + 3) + 0xBF58476D1CE4E5B9L * (iteration + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
