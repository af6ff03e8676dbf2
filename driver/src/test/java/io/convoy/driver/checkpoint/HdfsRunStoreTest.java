package io.convoy.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.apache.hadoop.hdfs.protocol.HdfsConstants;
import org.apache.hadoop.security.UserGroupInformation;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The run store contract on a real HDFS (NameNode and one DataNode in this JVM), plus the faults HDFS can
 * produce for real even when the tests run as root: a space quota that runs out (what a full disk looks like
 * to a writer) and a directory the writing user may not write to.
 */
class HdfsRunStoreTest extends RunStoreContract {
    private static final AtomicInteger PARENTS = new AtomicInteger();
    private static MiniDFSCluster cluster;

    @TempDir
    static Path base;

    @BeforeAll
    static void startHdfs() throws Exception {
        Configuration conf = new Configuration();
        conf.setLong("dfs.blocksize", 1 << 20); // HDFS's smallest allowed block: quotas reserve a whole block per write
        conf.setInt("dfs.replication", 1);
        cluster = new MiniDFSCluster.Builder(conf, base.toFile()).numDataNodes(1).build();
        cluster.waitActive();
    }

    @AfterAll
    static void stopHdfs() {
        if (cluster != null) {
            cluster.shutdown();
        }
    }

    @Override
    String freshParent() {
        return cluster.getURI() + "/runs-" + PARENTS.incrementAndGet();
    }

    @Override
    Configuration conf() {
        return cluster.getConfiguration(0);
    }

    @Test
    void aFullQuotaFailsTheWriteNamingThePathAndKeepsThePreviousCheckpoint() throws Exception {
        DistributedFileSystem dfs = cluster.getFileSystem();
        RunStore store = newRun(freshParent());
        ComputationGraph net = TinyGraphs.trained(21, 2);
        CheckpointInfo first = epoch(store, net, 1, 0.5);
        float[] firstParams = TinyGraphs.params(net);
        org.apache.hadoop.fs.Path runDir = new org.apache.hadoop.fs.Path(store.dir().toUri().getPath());
        long used = dfs.getContentSummary(runDir).getSpaceConsumed();
        dfs.setQuota(runDir, HdfsConstants.QUOTA_DONT_SET, used + (512 << 10)); // less than the block a new file needs

        UncheckedIOException e = writeFails(store, net, 2);
        assertTrue(e.getMessage().contains("cannot write checkpoint " + store.dir() + "/checkpoints/epoch-0002.zip"), e.getMessage());
        assertTrue(e.getMessage().contains("DiskSpace quota of " + runDir + " is exceeded"), e.getMessage());
        assertEquals(List.of(first), store.manifest());
        assertEquals(List.of("epoch-0001.json", "epoch-0001.zip"), names(store.dir() + "/checkpoints"), "no partial file left");
        RunStore.Loaded loaded = RunStore.open(store.dir().toString(), conf()).loadLatestGood().orElseThrow();
        assertEquals(1, loaded.info().epoch());
        assertArrayEquals(firstParams, TinyGraphs.params(loaded.net()));

        // once there is room again the run goes on in the same directory
        dfs.setQuota(runDir, HdfsConstants.QUOTA_DONT_SET, HdfsConstants.QUOTA_RESET);
        epoch(store, net, 2, 0.4);
        assertEquals(2, store.loadLatestGood().orElseThrow().info().epoch());
    }

    @Test
    void permissionDeniedFailsTheWriteNamingThePathAndKeepsThePreviousCheckpoint() throws Exception {
        DistributedFileSystem dfs = cluster.getFileSystem(); // the superuser: the user that started the NameNode
        String parent = freshParent();
        org.apache.hadoop.fs.Path parentPath = new org.apache.hadoop.fs.Path(parent);
        dfs.mkdirs(parentPath);
        dfs.setPermission(parentPath, new FsPermission((short) 0777));
        UserGroupInformation trainer = UserGroupInformation.createUserForTesting("trainer", new String[] {"trainers"});

        RunStore store = as(trainer, () -> newRun(parent));
        ComputationGraph net = TinyGraphs.trained(22, 2);
        CheckpointInfo first = as(trainer, () -> epoch(store, net, 1, 0.5));
        org.apache.hadoop.fs.Path checkpoints = new org.apache.hadoop.fs.Path(store.dir().toUri().getPath() + "/checkpoints");
        dfs.setOwner(checkpoints, "root", "supergroup");
        dfs.setPermission(checkpoints, new FsPermission((short) 0755));

        UncheckedIOException e = as(trainer, () -> writeFails(store, net, 2));
        assertTrue(e.getMessage().contains("cannot write checkpoint " + store.dir() + "/checkpoints/epoch-0002.zip"), e.getMessage());
        assertTrue(e.getMessage().contains("Permission denied: user=trainer, access=WRITE"), e.getMessage());
        RunStore.Loaded loaded = as(trainer, () -> RunStore.open(store.dir().toString(), conf()).loadLatestGood().orElseThrow());
        assertEquals(first, loaded.info());
        assertEquals(List.of("epoch-0001.json", "epoch-0001.zip"), names(store.dir() + "/checkpoints"));
    }

    private static <T> T as(UserGroupInformation user, PrivilegedExceptionAction<T> action) throws Exception {
        return user.doAs(action);
    }
}
