package io.convoy.driver.data;

import org.apache.spark.Partitioner;

/**
 * Cuts positions 0..n-1 into {@code parts} contiguous ranges whose sizes differ by at most one:
 * partition p holds positions floor(p*n/parts) .. floor((p+1)*n/parts)-1.
 */
final class EvenRangePartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;

    private final long n;
    private final int parts;

    EvenRangePartitioner(long n, int parts) {
        if (n <= 0 || parts <= 0) {
            throw new IllegalArgumentException("need n > 0 and parts > 0, got " + n + ", " + parts);
        }
        this.n = n;
        this.parts = parts;
    }

    @Override
    public int numPartitions() {
        return parts;
    }

    @Override
    public int getPartition(Object key) {
        return partitionOf((Long) key, n, parts);
    }

    /** The p with floor(p*n/parts) <= pos < floor((p+1)*n/parts). */
    static int partitionOf(long pos, long n, int parts) {
        return (int) (((pos + 1) * parts + n - 1) / n - 1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EvenRangePartitioner p && p.n == n && p.parts == parts;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(n) * 31 + parts;
    }
}
