package io.convoy.driver.train;

import io.convoy.driver.config.RunConfig.TrainSettings;
import io.convoy.zoo.schedule.EpochSchedule;

/**
 * The run's learning rate: constant; step (multiply by gamma at each milestone, the ResNet recipe's divide-by-10);
 * cosine (Loshchilov and Hutter 2017, without restarts, to 0 at the last epoch); with the linear scaling rule of
 * Goyal et al. 2017 (the configured rate is for {@code reference-batch} images; it is multiplied by global batch /
 * reference batch) and their gradual warmup from the configured rate. It is an {@link EpochSchedule} inside DL4J's
 * updater, so it changes at every iteration (the warmup and the cosine are smooth, not steps per epoch) and every
 * worker applies the same rate at the same iteration. The global batch is fixed by the configuration (workers x batch
 * per worker), never by how many executors happen to run, so the sequence is the same on one executor or many.
 */
public final class LearningRateSchedule {
    private LearningRateSchedule() {
    }

    /** The schedule of a run whose workers each train {@code iterationsPerEpoch} minibatches an epoch. */
    public static EpochSchedule of(TrainSettings t, int globalBatch, int iterationsPerEpoch) {
        double scale = t.lrScaling().linear() ? (double) globalBatch / t.lrScaling().referenceBatch() : 1.0;
        return new EpochSchedule(t.schedule().name(), t.lr(), scale,
                t.milestones().stream().mapToInt(Integer::intValue).toArray(), t.gamma(), t.warmupEpochs(), t.epochs(),
                Math.max(1, iterationsPerEpoch));
    }

    /**
     * The rate at the first iteration of {@code epoch} (1-based), where the per-epoch schedule of earlier versions
     * stood for the whole epoch.
     *
     * @param globalBatch images per synchronous step over all workers
     */
    public static double rate(TrainSettings t, int epoch, int globalBatch) {
        return of(t, globalBatch, 1).rate(epoch - 1);
    }

    /** Minibatches each of {@code workers} trains per epoch: the longest partition's (they differ by one record). */
    public static int iterationsPerEpoch(long trainSize, int workers, int batchPerWorker) {
        long perWorker = (trainSize + workers - 1) / workers;
        return (int) Math.max(1, (perWorker + batchPerWorker - 1) / batchPerWorker);
    }
}
