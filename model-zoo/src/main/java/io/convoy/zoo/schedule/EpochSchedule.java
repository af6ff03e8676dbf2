package io.convoy.zoo.schedule;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import org.nd4j.linalg.schedule.ISchedule;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * A learning rate that follows the run's epochs continuously, applied by DL4J's updater at every iteration
 * ({@link ISchedule}): iteration {@code i} is at {@code i / iterationsPerEpoch} epochs. Every worker therefore uses
 * the same rate at the same iteration, and the schedule travels inside the network's configuration (checkpoints,
 * the executors' copies).
 *
 * <p>The rate at {@code x} epochs done: the base schedule of {@code lr} (constant; step: times {@code gamma} from each
 * 1-based milestone epoch on; cosine: Loshchilov and Hutter 2017 without restarts, from the end of warmup to 0 at
 * {@code epochs}), multiplied by {@code scale} (Goyal et al.'s linear scaling rule: global batch / reference batch);
 * during the first {@code warmupEpochs} the rate rises linearly from the unscaled {@code lr} to that target
 * (Goyal et al.'s gradual warmup, per iteration). At each epoch's first iteration the value is what the per-epoch
 * schedule gave before.
 */
public final class EpochSchedule implements ISchedule {
    private static final long serialVersionUID = 1L;

    /** constant, step or cosine */
    @JsonProperty("kind")
    private final String kind;
    @JsonProperty("lr")
    private final double lr;
    @JsonProperty("scale")
    private final double scale;
    @JsonProperty("milestones")
    private final int[] milestones;
    @JsonProperty("gamma")
    private final double gamma;
    @JsonProperty("warmupEpochs")
    private final int warmupEpochs;
    @JsonProperty("epochs")
    private final int epochs;
    @JsonProperty("iterationsPerEpoch")
    private final int iterationsPerEpoch;

    public EpochSchedule(@JsonProperty("kind") String kind, @JsonProperty("lr") double lr,
                         @JsonProperty("scale") double scale, @JsonProperty("milestones") int[] milestones,
                         @JsonProperty("gamma") double gamma, @JsonProperty("warmupEpochs") int warmupEpochs,
                         @JsonProperty("epochs") int epochs, @JsonProperty("iterationsPerEpoch") int iterationsPerEpoch) {
        this.kind = kind.toLowerCase(Locale.ROOT);
        if (!this.kind.equals("constant") && !this.kind.equals("step") && !this.kind.equals("cosine")) {
            throw new IllegalArgumentException("schedule kind " + kind + ": expected constant, step or cosine");
        }
        if (iterationsPerEpoch < 1) {
            throw new IllegalArgumentException("iterations per epoch must be >= 1, got " + iterationsPerEpoch);
        }
        this.lr = lr;
        this.scale = scale;
        this.milestones = milestones == null ? new int[0] : milestones.clone();
        this.gamma = gamma;
        this.warmupEpochs = warmupEpochs;
        this.epochs = epochs;
        this.iterationsPerEpoch = iterationsPerEpoch;
    }

    /** The rate after {@code x} epochs (0 = the first iteration of epoch 1; fractions within an epoch). */
    public double rate(double x) {
        double target = scale * base(x);
        if (x < warmupEpochs) {
            return lr + (target - lr) * x / warmupEpochs;
        }
        return target;
    }

    private double base(double x) {
        return switch (kind) {
            case "step" -> {
                double r = lr;
                for (int m : milestones) {
                    if (x >= m - 1) {
                        r *= gamma;
                    }
                }
                yield r;
            }
            case "cosine" -> {
                double span = Math.max(1, epochs - warmupEpochs);
                double done = Math.max(0, x - warmupEpochs);
                yield 0.5 * lr * (1 + Math.cos(Math.PI * done / span));
            }
            default -> lr;
        };
    }

    @Override
    public double valueAt(int iteration, int epoch) {
        return rate((double) iteration / iterationsPerEpoch);
    }

    @Override
    public ISchedule clone() {
        return new EpochSchedule(kind, lr, scale, milestones, gamma, warmupEpochs, epochs, iterationsPerEpoch);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EpochSchedule s && kind.equals(s.kind) && lr == s.lr && scale == s.scale
                && Arrays.equals(milestones, s.milestones) && gamma == s.gamma && warmupEpochs == s.warmupEpochs
                && epochs == s.epochs && iterationsPerEpoch == s.iterationsPerEpoch;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, lr, scale, Arrays.hashCode(milestones), gamma, warmupEpochs, epochs, iterationsPerEpoch);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "EpochSchedule(%s, lr %s x %s, milestones %s, gamma %s, warmup %d, epochs %d, "
                + "%d iterations/epoch)", kind, lr, scale, Arrays.toString(milestones), gamma, warmupEpochs, epochs,
                iterationsPerEpoch);
    }
}
