package io.convoy.driver.sweep;

import io.convoy.driver.checkpoint.EpochMetrics;
import java.util.List;

/**
 * One row of a sweep's results: what the trial's run directory and the sweep state say about it.
 *
 * @param epochsDone    epochs with a row in metrics.jsonl
 * @param epochsPlanned train.epochs of the trial
 * @param trainLoss     training loss of the last epoch (averaging only; DL4J reports none under sharing), or null
 * @param top1Error     final test top-1 error (eval-latest.json, else the last epoch's), or null
 * @param top5Error     likewise top-5
 * @param wallSeconds   time the sweep spent in the trial, summed over attempts
 * @param epochs        metrics.jsonl rows, for the curves
 */
public record TrialResult(String trial, String parameters, SweepState.Status status, int epochsDone, int epochsPlanned,
                          Double trainLoss, Double top1Error, Double top5Error, double wallSeconds, String runDir,
                          String error, List<EpochMetrics> epochs) {
}
