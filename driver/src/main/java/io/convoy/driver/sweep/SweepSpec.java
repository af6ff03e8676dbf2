package io.convoy.driver.sweep;

import java.io.File;
import java.util.List;

/**
 * A parsed sweep file.
 *
 * @param name          the sweep's name (default: the file name without .conf)
 * @param dir           the sweep directory (sweep.dir; default sweeps/NAME), a local path or Hadoop URI
 * @param baseFile      the base run file, or null when the base is inline (or absent: Convoy's defaults)
 * @param common        overrides every trial gets before its own: the inline base, then sweep.overrides
 * @param parallel      trials run at once on the one SparkContext (FAIR scheduler pools when > 1)
 * @param trials        in the file's order (axes: the grid, last axis fastest)
 * @param budget        the file's reduced-budget switches
 * @param source        where the spec came from, for messages
 */
public record SweepSpec(String name, String dir, File baseFile, List<String> common, int parallel,
                        List<TrialSpec> trials, Budget budget, String source) {
    public SweepSpec {
        common = List.copyOf(common);
        trials = List.copyOf(trials);
    }
}
