package io.convoy.driver.train;

import io.convoy.driver.checkpoint.EpochMetrics;
import io.convoy.driver.eval.EvalCounts;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** What a finished training run reports: where its directory is, per-epoch metrics, the final test evaluation and network. */
public record TrainResult(String runDir, List<EpochMetrics> epochs, EvalCounts finalEval,
                          ComputationGraph network) {
}
