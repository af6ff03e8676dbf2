package io.convoy.driver.checkpoint;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.io.TempDir;

/** The run store contract on the local file system (file:// URIs). */
class LocalRunStoreTest extends RunStoreContract {
    private static final AtomicInteger PARENTS = new AtomicInteger();
    private final Configuration conf = new Configuration();

    @TempDir
    Path tmp;

    @Override
    String freshParent() {
        return tmp.resolve("runs-" + PARENTS.incrementAndGet()).toUri().toString();
    }

    @Override
    Configuration conf() {
        return conf;
    }
}
