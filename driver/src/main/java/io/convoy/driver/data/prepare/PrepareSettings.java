package io.convoy.driver.data.prepare;

/**
 * What {@code prepare-data} is asked to do.
 *
 * @param input           the source directory (local path or Hadoop URI)
 * @param output          the dataset directory to create (local path or Hadoop URI)
 * @param shardBytes      the target shard size; a shard holds at least one record
 * @param coarseLabels    CIFAR-100: the 20 coarse classes instead of the 100 fine ones
 * @param valDir          folders: the validation directory (null: input/val)
 * @param valLabels       folders: labels file of a flat validation folder (null: input/LOC_val_solution.csv when present)
 * @param maxBadRecords   folders: unreadable images skipped before the preparation fails
 * @param overwrite       replace the shards and manifest of an existing dataset directory
 */
public record PrepareSettings(SourceFormat source, String input, String output, long shardBytes, boolean coarseLabels,
                              String valDir, String valLabels, int maxBadRecords, boolean overwrite) {
    public static final long DEFAULT_SHARD_BYTES = 256L << 20;

    public PrepareSettings {
        if (shardBytes <= 0) {
            throw new IllegalArgumentException("shard size must be > 0 bytes, got " + shardBytes);
        }
        if (maxBadRecords < 0) {
            throw new IllegalArgumentException("max bad records must be >= 0, got " + maxBadRecords);
        }
    }
}
