package io.convoy.driver.checkpoint;

import io.convoy.worker.augment.TestTimeAugmentation;
import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Every name in a run directory, and nowhere else:
 * <pre>
 * runs/&lt;run-id&gt;/.convoy-run                  claim marker: whoever created it owns the run id
 *                 config.conf                  resolved configuration (secrets redacted)
 *                 normalization.json           per-channel mean and deviation the net was trained with
 *                 checkpoints/epoch-0003.zip   DL4J model with updater state
 *                 checkpoints/epoch-0003.json  epoch, iteration, training state, metrics, resolved config
 *                 manifest.json                one entry per checkpoint (SHA-256, size, metrics, training state)
 *                 metrics.jsonl                one line per epoch ({@link EpochMetrics})
 *                 eval-latest.json             training's final evaluation
 *                 eval-epoch-0003[-view].json  a checkpoint evaluated by {@code convoy evaluate}
 *                 claims/                      evaluators' claims on checkpoints
 *                 report.html, report.md       {@code convoy report}, charts in report-charts/
 * </pre>
 */
public final class RunLayout {
    public static final String CLAIM = ".convoy-run";
    public static final String CONFIG = "config.conf";
    public static final String NORMALIZATION = "normalization.json";
    public static final String CHECKPOINTS = "checkpoints";
    public static final String MANIFEST = "manifest.json";
    public static final String METRICS = "metrics.jsonl";
    public static final String EVAL_LATEST = "eval-latest.json";
    public static final String EVALUATION_CLAIMS = "claims";
    /** Base name of the run report ({@code report.html}, {@code report.md}). */
    public static final String REPORT = "report";

    private static final String EVALUATION_PREFIX = "eval-epoch-";
    private static final Pattern EVALUATION = Pattern.compile(Pattern.quote(EVALUATION_PREFIX) + "(\\d+)(?:-(flip|ten-crop))?\\.json");

    private final Path dir;

    RunLayout(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    Path config() {
        return new Path(dir, CONFIG);
    }

    Path manifest() {
        return new Path(dir, MANIFEST);
    }

    Path metrics() {
        return new Path(dir, METRICS);
    }

    Path checkpoints() {
        return new Path(dir, CHECKPOINTS);
    }

    Path claim() {
        return new Path(dir, CLAIM);
    }

    /** A path of the run directory; refuses anything that would resolve outside it ("..", absolute, other scheme). */
    Path inside(String relative) {
        Path p = new Path(dir, relative);
        String prefix = dir.toString().endsWith("/") ? dir.toString() : dir.toString() + "/";
        if (relative.isEmpty() || relative.startsWith("/") || relative.contains(":")
                || !p.toString().startsWith(prefix)
                || List.of(relative.split("/")).contains("..")) {
            throw new RunStoreException("'" + relative + "' is not a path inside the run directory " + dir);
        }
        return p;
    }

    /** The checkpoint of an epoch, relative to the run directory: {@code checkpoints/epoch-0003.zip}. */
    static String checkpoint(int epoch) {
        return String.format(Locale.ROOT, CHECKPOINTS + "/epoch-%04d.zip", epoch);
    }

    /** The sidecar beside a checkpoint zip: {@code checkpoints/epoch-0003.json} for {@code checkpoints/epoch-0003.zip}. */
    static String sidecar(String checkpoint) {
        return checkpoint.endsWith(".zip") ? checkpoint.substring(0, checkpoint.length() - ".zip".length()) + ".json"
                : checkpoint + ".json";
    }

    /** The file and claim name of an evaluation, without extension: {@code eval-epoch-0007[-flip]}. */
    public static String evaluationKey(int epoch, TestTimeAugmentation tta) {
        return String.format(Locale.ROOT, EVALUATION_PREFIX + "%04d", epoch)
                + (tta == TestTimeAugmentation.CENTRE ? "" : "-" + tta.label());
    }

    /** An evaluation result's file name: {@code eval-epoch-0007.json}, {@code eval-epoch-0007-ten-crop.json}. */
    public static String evaluationFile(int epoch, TestTimeAugmentation tta) {
        return evaluationKey(epoch, tta) + ".json";
    }

    /** Epoch and view of an evaluation result, from its file name; empty for any other file. */
    public static Optional<Evaluated> evaluated(String fileName) {
        Matcher m = EVALUATION.matcher(fileName);
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(new Evaluated(Integer.parseInt(m.group(1)),
                m.group(2) == null ? TestTimeAugmentation.CENTRE : TestTimeAugmentation.parse(m.group(2))));
    }

    /** What an evaluation result's file name says. */
    public record Evaluated(int epoch, TestTimeAugmentation tta) {
    }

    /** Whether {@code dir} is a run directory (it has a config.conf). */
    public static boolean isRun(FileSystem fs, Path dir) throws IOException {
        return fs.exists(new Path(dir, CONFIG));
    }

    /**
     * Whether training can continue in {@code dir}: it has config.conf and normalization.json (a run killed before
     * they were written has nothing to resume from).
     */
    public static boolean isResumable(FileSystem fs, Path dir) throws IOException {
        return isRun(fs, dir) && fs.exists(new Path(dir, NORMALIZATION));
    }
}
