package io.convoy.driver.checkpoint;

/**
 * Where training stood when a checkpoint was taken: what {@code train --resume} needs beyond the network's
 * parameters and updater state (those are in the checkpoint's DL4J zip) to continue as if never stopped.
 *
 * @param epoch            epochs completed (1-based: the checkpoint of epoch 3 has {@code epoch = 3})
 * @param iteration        DL4J iteration count of the network at that point
 * @param learningRate     the rate the schedule gave the completed epoch
 * @param scheduleEpochs   the number of epochs the schedule was laid out for (a cosine schedule depends on it);
 *                         the schedule's position is {@code epoch}: training resumes at {@code epoch + 1}
 * @param dataOrderSeed    seed of the per-epoch permutation of the training records
 * @param augmentationSeed seed of the random crops and flips
 * @param globalBatch      images per global step (workers x batch per worker); a resume on another number of
 *                         workers keeps this and divides it anew
 * @param workers          number of workers (Spark partitions trained in parallel) at the time
 */
public record TrainingState(int epoch, long iteration, double learningRate, int scheduleEpochs,
                            long dataOrderSeed, long augmentationSeed, int globalBatch, int workers) {
    public TrainingState {
        if (epoch < 0 || iteration < 0 || scheduleEpochs < 0 || globalBatch < 1 || workers < 1
                || !(learningRate >= 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException("training state out of range: epoch " + epoch + ", iteration " + iteration
                    + ", learning rate " + learningRate + ", schedule epochs " + scheduleEpochs + ", global batch "
                    + globalBatch + ", workers " + workers + " (expected epoch, iteration, schedule epochs >= 0, "
                    + "a finite rate >= 0, global batch and workers >= 1)");
        }
    }

    /**
     * The batch per worker that keeps the global batch on {@code newWorkers} workers (a resume on another
     * executor count); throws when the global batch does not divide evenly, naming both numbers.
     */
    public int batchSizePerWorker(int newWorkers) {
        if (newWorkers < 1 || globalBatch % newWorkers != 0) {
            throw new IllegalArgumentException("the checkpoint's global batch of " + globalBatch + " images (" + workers
                    + " workers x " + (globalBatch / workers) + ") cannot be divided evenly over " + newWorkers
                    + " workers; expected a worker count that divides " + globalBatch);
        }
        return globalBatch / newWorkers;
    }

    /** The epoch training continues with. */
    public int nextEpoch() {
        return epoch + 1;
    }
}
