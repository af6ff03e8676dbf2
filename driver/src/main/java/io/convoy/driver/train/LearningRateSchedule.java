package io.convoy.driver.train;

import io.convoy.driver.config.RunConfig.TrainSettings;

/**
 * Learning rate by epoch, applied by the driver before each epoch, so it holds whatever the number of
 * executors and averaging rounds: constant; step (multiply by gamma at each milestone, the ResNet
 * recipe's divide-by-10); cosine (Loshchilov and Hutter 2017, without restarts, to 0 at the last epoch).
 */
public final class LearningRateSchedule {
    private LearningRateSchedule() {
    }

    /** @param epoch 1-based */
    public static double rate(TrainSettings t, int epoch) {
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
            case COSINE -> 0.5 * t.lr() * (1 + Math.cos(Math.PI * (epoch - 1) / t.epochs()));
        };
    }
}
