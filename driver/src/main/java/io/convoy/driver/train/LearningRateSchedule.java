package io.convoy.driver.train;

import io.convoy.driver.config.RunConfig.TrainSettings;

/**
 * Learning rate by epoch, applied by the driver before each epoch, so it holds whatever the number of
 * executors and averaging rounds: constant; step (multiply by gamma at each milestone, the ResNet
 * recipe's divide-by-10); cosine (Loshchilov and Hutter 2017, without restarts, to 0 at the last epoch).
 *
 * <p>On top of the schedule: the linear scaling rule of Goyal et al. 2017 (the configured rate is for
 * {@code reference-batch} images; it is multiplied by global batch / reference batch) and their gradual
 * warmup, here per epoch: epoch e of w warmup epochs uses unscaled + (target - unscaled) x (e - 1) / w.
 * The global batch is fixed by the configuration (workers x batch per worker), never by how many executors
 * happen to run, so the sequence is the same on one executor or many.
 */
public final class LearningRateSchedule {
    private LearningRateSchedule() {
    }

    /**
     * @param epoch       1-based
     * @param globalBatch images per synchronous step over all workers
     */
    public static double rate(TrainSettings t, int epoch, int globalBatch) {
        double scale = t.lrScaling().linear() ? (double) globalBatch / t.lrScaling().referenceBatch() : 1.0;
        double target = scale * scheduled(t, epoch);
        if (epoch <= t.warmupEpochs()) {
            double start = t.lr();
            return start + (target - start) * (epoch - 1) / t.warmupEpochs();
        }
        return target;
    }

    private static double scheduled(TrainSettings t, int epoch) {
        return switch (t.schedule()) {
            case CONSTANT -> t.lr();
            case STEP -> {
                double lr = t.lr();
                for (int m : t.milestones()) {
                    if (epoch >= m) {
                        lr *= t.gamma();
                    }
                }
                yield lr;
            }
            case COSINE -> {
                // the cosine runs over the epochs after warmup
                int w = t.warmupEpochs();
                int span = Math.max(1, t.epochs() - w);
                int e = Math.max(0, epoch - 1 - w);
                yield 0.5 * t.lr() * (1 + Math.cos(Math.PI * e / span));
            }
        };
    }
}
