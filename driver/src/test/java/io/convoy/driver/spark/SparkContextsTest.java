package io.convoy.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkContextsTest {
    private static SparkConf conf(String master) {
        return new SparkConf(false).setMaster(master);
    }

    @Test
    void clusterExecutorsGetOneOpenMpThreadPerTaskCore() {
        SparkConf c = conf("spark://10.0.0.1:7077");
        SparkContexts.applyExecutorDefaults(c);
        assertEquals("1", c.get(SparkContexts.OMP_THREADS_KEY));

        SparkConf four = conf("yarn").set("spark.task.cpus", "4");
        SparkContexts.applyExecutorDefaults(four);
        assertEquals("4", four.get(SparkContexts.OMP_THREADS_KEY));

        SparkConf pseudo = conf("local-cluster[2,1,1024]");
        SparkContexts.applyExecutorDefaults(pseudo);
        assertEquals("1", pseudo.get(SparkContexts.OMP_THREADS_KEY), "local-cluster runs separate executor JVMs");
    }

    @Test
    void aUsersThreadCountWinsAndLocalModeIsLeftAlone() {
        SparkConf user = conf("spark://10.0.0.1:7077").set(SparkContexts.OMP_THREADS_KEY, "3");
        SparkContexts.applyExecutorDefaults(user);
        assertEquals("3", user.get(SparkContexts.OMP_THREADS_KEY));

        for (String master : new String[] {"local", "local[2]", "local[*]"}) {
            SparkConf local = conf(master);
            SparkContexts.applyExecutorDefaults(local);
            assertFalse(local.contains(SparkContexts.OMP_THREADS_KEY), master);
        }
    }

    @Test
    void clusterExecutorsGetGlibcsArenaLimitsUnlessTheUserSetThem() {
        SparkConf c = conf("spark://10.0.0.1:7077").set("spark.executorEnv.MALLOC_ARENA_MAX", "4");
        SparkContexts.applyExecutorDefaults(c);
        assertEquals("4", c.get("spark.executorEnv.MALLOC_ARENA_MAX"));
        // no fixed mmap threshold: it made every array above 128 KB a fresh mmap (22 % of ResNet-20's img/s)
        assertFalse(c.contains("spark.executorEnv.MALLOC_MMAP_THRESHOLD_"));
        SparkConf local = conf("local[2]");
        SparkContexts.applyExecutorDefaults(local);
        assertFalse(local.contains("spark.executorEnv.MALLOC_ARENA_MAX"), "local mode: the launcher's environment");
    }

    @Test
    void usersExecutorOptionsComeAfterConvoysFlags() {
        SparkConf c = conf("spark://h:7077").set("spark.executor.extraJavaOptions", "-Xss4m");
        SparkContexts.applyExecutorDefaults(c);
        String opts = c.get("spark.executor.extraJavaOptions");
        assertTrue(opts.startsWith(SparkContexts.EXECUTOR_JAVA_OPTIONS) && opts.endsWith(" -Xss4m"), opts);
        SparkContexts.applyExecutorDefaults(c); // applied twice: not doubled
        assertEquals(opts, c.get("spark.executor.extraJavaOptions"));
    }
}
