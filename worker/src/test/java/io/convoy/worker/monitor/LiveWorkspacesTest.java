package io.convoy.worker.monitor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.AllocationsTracker;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationKind;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.factory.Nd4j;

/** The workspace figure follows workspaces held by other threads and drops when their threads end. */
class LiveWorkspacesTest {
    private static final long MB = 1024 * 1024;

    @Test
    void countsAnotherThreadsWorkspaceWhileItLivesAndNotAfter() throws Exception {
        Nd4j.getBackend();
        long before = LiveWorkspaces.bytes();
        assertTrue(before >= 0, "readable with Convoy's JVM flags: " + before);
        long trackerBefore = AllocationsTracker.getInstance().bytesOnDevice(AllocationKind.WORKSPACE, 0);

        CountDownLatch allocated = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread owner = new Thread(() -> {
            try {
                WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(32 * MB)
                        .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE).build();
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "probe-test")) {
                    Nd4j.create(DataType.FLOAT, 1024, 1024).assign(1); // 4 MB inside the 32 MB block
                    allocated.countDown();
                    release.await();
                }
            } catch (Throwable t) {
                failure.set(t);
                allocated.countDown();
            }
        }, "workspace-owner");
        owner.start();
        allocated.await();
        long held = LiveWorkspaces.bytes();
        release.countDown();
        owner.join();
        assertEquals(null, failure.get());
        assertTrue(held - before >= 32 * MB, "the other thread's 32 MB workspace counted: " + (held - before) / MB
                + " MB more");
        long after = LiveWorkspaces.bytes();
        assertTrue(held - after >= 32 * MB, "gone with its thread: " + (held - after) / MB + " MB less");

        // ND4J's own figure (what the probe reported before): the workspace was never destroyed, only its thread
        // ended, so its count stays up (until a collection frees the block, which it never subtracts either)
        System.gc();
        Thread.sleep(200);
        long tracker = AllocationsTracker.getInstance().bytesOnDevice(AllocationKind.WORKSPACE, 0);
        assertTrue(tracker - trackerBefore >= 32 * MB, "ND4J's tracker still counts it: " + (tracker - trackerBefore));
    }

    @Test
    void releasesTheCallersClosedNetworkWorkspacesAndLeavesAnOpenOneAndOthersAlone() throws Exception {
        Nd4j.getBackend();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] figures = new long[5];
        Thread owner = new Thread(() -> {
            try {
                WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(32 * MB)
                        .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE).build();
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "WS_RELEASE_TEST")) {
                    Nd4j.create(DataType.FLOAT, 1024, 1024).assign(1);
                    figures[0] = LiveWorkspaces.releaseCurrentThread(); // open: must stay
                    figures[1] = (long) Nd4j.create(DataType.FLOAT, 16).assign(2).sumNumber().doubleValue();
                }
                // a workspace that is not a network's (gradient sharing's accumulator keeps its buffers in "CGA-<i>")
                MemoryWorkspace other = Nd4j.getWorkspaceManager().createNewWorkspace(conf, "CGA-0");
                figures[2] = LiveWorkspaces.bytes();
                figures[3] = LiveWorkspaces.releaseCurrentThread();
                figures[4] = LiveWorkspaces.bytes();
                try (MemoryWorkspace ws = other.notifyScopeEntered()) {
                    assertEquals(64.0, Nd4j.create(DataType.FLOAT, 16).assign(4).sumNumber().doubleValue(),
                            "the other workspace still works");
                }
                assertTrue(Nd4j.getWorkspaceManager().checkIfWorkspaceExists("CGA-0"), "and is still there");
                Nd4j.getWorkspaceManager().destroyWorkspace(other);
                // used again after the release: allocated afresh
                try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "WS_RELEASE_TEST")) {
                    assertEquals(48.0, Nd4j.create(DataType.FLOAT, 16).assign(3).sumNumber().doubleValue());
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "workspace-release");
        owner.start();
        owner.join();
        assertEquals(null, failure.get());
        assertEquals(0, figures[0], "nothing released while a workspace is open");
        assertEquals(32, figures[1], "the open workspace still works");
        assertTrue(figures[3] >= 32 * MB, "the closed 32 MB workspace released: " + figures[3]);
        assertTrue(figures[2] - figures[4] >= 32 * MB, "and no longer counted: " + (figures[2] - figures[4]) / MB);
    }
}
