package io.convoy.driver.eval;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.worker.augment.TestTimeAugmentation;
import java.util.List;

/**
 * The result of evaluating one checkpoint, as saved in the run directory:
 * {@code eval-epoch-0007.json} for the centre crop, {@code eval-epoch-0007-flip.json} and
 * {@code eval-epoch-0007-ten-crop.json} for the other test-time views. The scores of the whole net
 * are at the top level; a FractalNet also has those of its deepest column alone.
 *
 * @param tta   centre, flip or ten-crop
 * @param views           how many views of each image were averaged
 * @param inputShape      what the network saw, CxHxW
 * @param trainableParams as papers count them (BatchNorm running statistics left out)
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonInclude(JsonInclude.Include.NON_NULL)
public record EvaluationRecord(String run, String checkpoint, int epoch, long iteration, String sha256, String tta,
                               int views, String inputShape, long trainableParams, String evaluatedAt, double seconds, String evaluator, List<String> classNames,
                               long records, double top1Error, double top5Error, double meanNll,
                               double[] perClassAccuracy, long[] perClassRecords, long[][] confusionMatrix,
                               Scores deepestColumn) {

    /** The scores of one network variant. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Scores(long records, double top1Error, double top5Error, double meanNll, double[] perClassAccuracy,
                         long[] perClassRecords, long[][] confusionMatrix) {
        public static Scores of(EvalCounts c) {
            return new Scores(c.total(), c.top1Error(), c.top5Error(), c.meanNll(), c.perClassAccuracy(),
                    c.perClassRecords(), c.confusionMatrix());
        }
    }

    /** The full net's scores as a {@link Scores}. */
    public Scores scores() {
        return new Scores(records, top1Error, top5Error, meanNll, perClassAccuracy, perClassRecords, confusionMatrix);
    }

    /** The file and claim name of an evaluation, without extension: {@code eval-epoch-0007[-flip]} ({@link RunLayout}). */
    public static String key(int epoch, TestTimeAugmentation tta) {
        return RunLayout.evaluationKey(epoch, tta);
    }

    public static String fileName(int epoch, TestTimeAugmentation tta) {
        return RunLayout.evaluationFile(epoch, tta);
    }
}
