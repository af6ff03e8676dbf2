package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.ConfigLoader;
import io.convoy.driver.config.RunConfig;
import io.convoy.driver.config.RunConfig.DataFormat;
import io.convoy.driver.config.RunConfig.ScheduleType;
import io.convoy.zoo.InputShape;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.learning.config.Nesterovs;

/**
 * Every run file and recipe shipped in conf/ passes the same validation a user's run goes through, sets what it is
 * there for (the paper's recipe), and names a model that builds for its data.
 */
class ShippedConfigsTest {
    private static final Path CONF = Path.of("..", "conf");

    /** What each shipped file is for, by its path under conf/. A new file needs its line here. */
    private static final Map<String, Consumer<RunConfig>> EXPECTED = Map.of(
            "quickstart.conf", c -> {
                // a few minutes on one machine: a small ResNet on a part of MNIST, no flip for digits
                assertEquals("resnet8", c.model().name());
                assertEquals(DataFormat.MNIST, c.data().format());
                assertEquals(20000, c.data().trainLimit());
                assertFalse(c.data().augmentation().flip());
                assertEquals(2, c.train().epochs());
                assertEquals("quickstart", c.run().name());
            },
            "resnet20-cifar10.conf", c -> {
                assertEquals("resnet20", c.model().name());
                resnetCifar(c);
            },
            "recipes/resnet-cifar.conf", ShippedConfigsTest::resnetCifar,
            "recipes/densenet-cifar.conf", c -> {
                // Huang et al. 2017: batch 64, 300 epochs, lr 0.1 divided by 10 at 50 % and 75 %
                assertEquals("densenet_bc_100_12", c.model().name());
                assertEquals(64, globalBatch(c));
                assertEquals(300, c.train().epochs());
                assertEquals(List.of(151, 226), c.train().milestones());
                assertEquals(1e-4, c.train().weightDecay());
            },
            "recipes/fractalnet-cifar.conf", c -> {
                // Larsson et al. 2017: batch 100, 400 epochs, lr 0.02 divided by 10 at each half of what remains
                assertEquals("fractalnet_20", c.model().name());
                assertEquals(100, globalBatch(c));
                assertEquals(400, c.train().epochs());
                assertEquals(0.02, c.train().lr());
                assertEquals(List.of(201, 301, 351, 376), c.train().milestones());
                assertEquals(0.0, c.train().weightDecay());
            },
            "recipes/resnet50-imagenet.conf", c -> {
                // Goyal et al. 2017: lr 0.1 per 256 images, linear scaling, 5 warmup epochs, steps at 30, 60, 80
                assertEquals("resnet50", c.model().name());
                assertEquals(DataFormat.SHARDS, c.data().format());
                assertEquals(224, c.data().imageSize());
                assertEquals(256, globalBatch(c));
                assertTrue(c.train().lrScaling().linear());
                assertEquals(256, c.train().lrScaling().referenceBatch());
                assertEquals(5, c.train().warmupEpochs());
                assertEquals(90, c.train().epochs());
                assertEquals(List.of(31, 61, 81), c.train().milestones());
            });

    static Stream<Path> shipped() throws IOException {
        try (Stream<Path> files = Files.walk(CONF)) {
            List<Path> all = files.filter(p -> p.toString().endsWith(".conf"))
                    .filter(p -> !p.toString().contains("sweeps")) // sweep files have their own format (ShippedSweepsTest)
                    .sorted().toList();
            assertTrue(all.size() >= 5, "run files found: " + all);
            return all.stream();
        }
    }

    private static String name(Path file) {
        return CONF.relativize(file).toString().replace('\\', '/');
    }

    private static RunConfig load(Path file) {
        return ConfigLoader.load(file.toFile(), List.of("data.path=/data/somewhere"));
    }

    private static int globalBatch(RunConfig c) {
        return c.train().workers() * c.train().batchSizePerWorker();
    }

    /** He et al. 2016, 4.2: batch 128, lr 0.1 divided by 10 at 32k and 48k iterations (epochs 82 and 123), 164 epochs. */
    private static void resnetCifar(RunConfig c) {
        assertEquals(DataFormat.CIFAR10, c.data().format());
        assertTrue(c.data().augmentation().flip());
        assertEquals(4, c.data().pad());
        assertEquals(128, globalBatch(c));
        assertEquals(0.1, c.train().lr());
        assertEquals(0.9, c.train().momentum());
        assertEquals(1e-4, c.train().weightDecay());
        assertEquals(ScheduleType.STEP, c.train().schedule());
        assertEquals(List.of(82, 123), c.train().milestones());
        assertEquals(0.1, c.train().gamma());
        assertEquals(164, c.train().epochs());
    }

    @Test
    void everyShippedFileHasItsExpectations() throws IOException {
        assertEquals(new TreeSet<>(EXPECTED.keySet()),
                shipped().map(ShippedConfigsTest::name).collect(Collectors.toCollection(TreeSet::new)));
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void validatesAndSetsWhatItIsFor(Path file) {
        RunConfig c = load(file);
        EXPECTED.get(name(file)).accept(c);
        if (name(file).startsWith("recipes/")) {
            // a recipe fixes its global batch instead of inheriting the cluster's parallelism
            assertTrue(c.train().workers() > 0, file + " sets train.workers");
        }
    }

    @ParameterizedTest
    @MethodSource("shipped")
    void itsModelBuildsForItsData(Path file) {
        RunConfig c = load(file);
        InputShape input = switch (c.data().format()) {
            case MNIST -> new InputShape(1, 28, 28);
            case CIFAR10 -> new InputShape(3, 32, 32);
            case SHARDS -> new InputShape(3, c.data().imageSize(), c.data().imageSize());
        };
        ComputationGraphConfiguration graph = ModelZoo.build(c.model().name(), new ModelRequest(input, 10, c.train().seed(),
                new Nesterovs(c.train().lr(), c.train().momentum()), c.train().weightDecay(), c.model().width()));
        assertTrue(graph.getVertices().size() > 10, file + ": " + graph.getVertices().size() + " vertices");
    }
}
