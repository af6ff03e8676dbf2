package io.convoy.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every sweep shipped in conf/sweeps/ parses and every trial's configuration passes validation (nothing is trained). */
class ShippedSweepsTest {
    /** Trials each shipped sweep must have: the rows of the papers' tables. */
    private static final Map<String, Integer> TRIALS = Map.of("degradation", 4, "shortcuts", 6, "unit-order", 5,
            "densenet", 4, "fractal", 3, "sync", 6);

    static Stream<Path> shipped() throws IOException {
        try (Stream<Path> files = Files.list(Path.of("..", "conf", "sweeps"))) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".conf")).sorted().toList();
            assertEquals(TRIALS.size(), all.size(), "shipped sweeps: " + all);
            return all.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void everyTrialValidates(Path file) {
        SweepSpec spec = SweepFile.load(file.toFile());
        assertEquals(file.getFileName().toString().replace(".conf", ""), spec.name());
        assertEquals(TRIALS.get(spec.name()), spec.trials().size(), spec.trials().toString());
        for (Budget budget : List.of(Budget.NONE, new Budget(2, 5000, 1000, 0.25))) {
            SweepPlan plan = SweepPlan.of(spec, List.of("data.path=/data/cifar10"), budget, "/tmp/unused", null);
            for (SweepPlan.PlannedTrial t : plan.trials()) {
                assertTrue(t.valid(), file + " trial " + t.name() + ": " + t.error());
                RunConfig c = t.config();
                assertEquals(RunConfig.DataFormat.CIFAR10, c.data().format());
                if (budget != Budget.NONE) {
                    assertEquals(2, c.train().epochs());
                    assertEquals(0.25, c.model().width());
                }
            }
        }
    }
}
