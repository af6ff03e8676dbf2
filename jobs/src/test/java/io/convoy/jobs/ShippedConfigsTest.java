package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every run file and recipe shipped in conf/ passes the same validation a user's run goes through. */
class ShippedConfigsTest {
    static Stream<Path> shipped() throws IOException {
        Path conf = Path.of("..", "conf");
        try (Stream<Path> files = Files.walk(conf)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".conf"))
                    .filter(p -> !p.toString().contains("sweeps")) // sweep files have their own format
                    .sorted().toList();
            assertTrue(all.size() >= 5, "run files found: " + all);
            return all.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void validates(Path file) {
        RunConfig c = ConfigLoader.load(file.toFile(), List.of("data.path=/data/somewhere"));
        assertTrue(c.train().epochs() >= 1);
        if (file.getParent().getFileName().toString().equals("recipes")) {
            // a recipe fixes its global batch instead of inheriting the cluster's parallelism
            assertTrue(c.train().workers() > 0, file + " sets train.workers");
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void resnetRecipeIsThePapers(Path file) {
        if (!file.getFileName().toString().equals("resnet-cifar.conf")) {
            return;
        }
        RunConfig c = ConfigLoader.load(file.toFile(), List.of("data.path=/x"));
        assertEquals(128, c.train().workers() * c.train().batchSizePerWorker());
        assertEquals(0.1, c.train().lr());
        assertEquals(List.of(82, 123), c.train().milestones());
    }
}
