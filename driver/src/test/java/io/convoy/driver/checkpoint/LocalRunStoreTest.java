package io.convoy.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run store contract on the local file system (file:// URIs). */
class LocalRunStoreTest extends RunStoreContract {
    private static final AtomicInteger PARENTS = new AtomicInteger();
    private final Configuration conf = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void opensARunGivenAsAPlainPathWithOrWithoutATrailingSlash() {
        RunStore store = newRun(tmp.resolve("plain").toString());
        ComputationGraph net = TinyGraphs.trained(5, 1);
        CheckpointInfo info = epoch(store, net, 1, 0.5);
        String plain = java.nio.file.Path.of(store.dir().toUri()).toString();
        for (String location : List.of(plain, plain + "/")) {
            RunStore opened = RunStore.open(location, conf);
            assertEquals(store.dir(), opened.dir());
            assertEquals(store.id(), opened.id());
            assertEquals(info, opened.loadLatestGood().orElseThrow().info());
        }
    }

    @Override
    String freshParent() {
        return tmp.resolve("runs-" + PARENTS.incrementAndGet()).toUri().toString();
    }

    @Override
    Configuration conf() {
        return conf;
    }
}
