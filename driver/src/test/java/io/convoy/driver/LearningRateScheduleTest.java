package io.convoy.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig.TrainSettings;
import io.convoy.driver.train.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {
    private static TrainSettings train(String... overrides) {
        List<String> all = new ArrayList<>(List.of("data.path=/x"));
        all.addAll(List.of(overrides));
        return ConfigLoader.load(null, all).train();
    }

    private static List<Double> sequence(TrainSettings t, int globalBatch) {
        List<Double> out = new ArrayList<>();
        for (int e = 1; e <= t.epochs(); e++) {
            out.add(LearningRateSchedule.rate(t, e, globalBatch));
        }
        return out;
    }

    @Test
    void stepDividesByTenAtTheMilestones() {
        TrainSettings t = train("train.epochs=5", "train.lr-schedule.milestones=[3,5]");
        List<Double> lr = sequence(t, 128);
        assertEquals(0.1, lr.get(0), 1e-12);
        assertEquals(0.1, lr.get(1), 1e-12);
        assertEquals(0.01, lr.get(2), 1e-12);
        assertEquals(0.01, lr.get(3), 1e-12);
        assertEquals(0.001, lr.get(4), 1e-12);
    }

    @Test
    void goyalLinearScalingWithFiveWarmupEpochs() {
        // ResNet-50 on ImageNet, Goyal et al. 2017: base 0.1 per 256 images, global batch 8192 -> 3.2,
        // reached after 5 warmup epochs that start at 0.1; /10 at 30, 60, 80
        TrainSettings t = train("train.epochs=90", "train.optimizer.lr-scaling=linear",
                "train.lr-schedule.warmup-epochs=5", "train.lr-schedule.milestones=[31,61,81]");
        List<Double> lr = sequence(t, 8192);
        assertEquals(0.1, lr.get(0), 1e-12);
        assertEquals(0.1 + (3.2 - 0.1) * 2 / 5, lr.get(2), 1e-12);
        assertEquals(3.2, lr.get(5), 1e-12);
        assertEquals(3.2, lr.get(29), 1e-12);
        assertEquals(0.32, lr.get(30), 1e-12);
        assertEquals(0.0032, lr.get(89), 1e-12);
    }

    @Test
    void cosineStartsAfterWarmupAndEndsNearZero() {
        TrainSettings t = train("train.epochs=10", "train.lr-schedule.type=cosine", "train.lr-schedule.warmup-epochs=2");
        List<Double> lr = sequence(t, 256);
        assertEquals(0.1, lr.get(0), 1e-12); // warmup from the same rate: flat, as scaling is off
        assertEquals(0.1, lr.get(2), 1e-12); // first cosine epoch
        assertEquals(0.5 * 0.1 * (1 + Math.cos(Math.PI * 7 / 8)), lr.get(9), 1e-12);
    }
}
