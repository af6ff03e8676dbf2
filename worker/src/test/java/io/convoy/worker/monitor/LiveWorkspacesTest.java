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
        long[] figures = new long[5];
        inThread("workspace-release", () -> {
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
        });
        assertEquals(0, figures[0], "nothing released while a workspace is open");
        assertEquals(32, figures[1], "the open workspace still works");
        assertTrue(figures[3] >= 32 * MB, "the closed 32 MB workspace released: " + figures[3]);
        assertTrue(figures[2] - figures[4] >= 32 * MB, "and no longer counted: " + (figures[2] - figures[4]) / MB);
    }

    @Test
    void aHandedOverNetworkWorkspaceIsTakenAsItIsByTheNextThreadAndCountedOnce() throws Exception {
        Nd4j.getBackend();
        WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(32 * MB)
                .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE).build();
        AtomicReference<MemoryWorkspace> first = new AtomicReference<>();
        long[] figures = new long[8];
        // thread A trains: a network workspace and an accumulator's; at its end it hands the network one over
        inThread("handover-a", () -> {
            try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "WS_HANDOVER_TEST")) {
                Nd4j.create(DataType.FLOAT, 1024, 1024).assign(1);
                figures[0] = LiveWorkspaces.handOver(); // open: nothing handed over
                first.set(ws);
            }
            Nd4j.getWorkspaceManager().createNewWorkspace(conf, "CGA-HANDOVER-TEST");
            figures[1] = LiveWorkspaces.bytes();
            figures[2] = LiveWorkspaces.handOver();
            assertTrue(!Nd4j.getWorkspaceManager().checkIfWorkspaceExists("WS_HANDOVER_TEST"), "gone from A's map");
            assertTrue(Nd4j.getWorkspaceManager().checkIfWorkspaceExists("CGA-HANDOVER-TEST"), "the other one stays");
        });
        // A has ended; the handed-over block still exists and is still counted, under its own name
        figures[3] = LiveWorkspaces.bytes();
        assertTrue(LiveWorkspaces.byThread().keySet().stream().anyMatch(k -> k.startsWith(LiveWorkspaces.HANDED_OVER_NAME)
                && k.contains("WS_HANDOVER_TEST")), "listed as handed over: " + LiveWorkspaces.byThread());
        // thread B takes it: the same workspace, allocated once, usable
        inThread("handover-b", () -> {
            figures[4] = LiveWorkspaces.takeOver();
            MemoryWorkspace ws = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(conf, "WS_HANDOVER_TEST");
            assertTrue(ws == first.get(), "B uses A's workspace object, not a new one");
            try (MemoryWorkspace open = ws.notifyScopeEntered()) {
                assertEquals(48.0, Nd4j.create(DataType.FLOAT, 16).assign(3).sumNumber().doubleValue());
            }
            figures[5] = LiveWorkspaces.bytes();
            LiveWorkspaces.handOver();
        });
        // thread C holds its own (inference) workspace of that id: the handed-over one replaces it, which is freed
        inThread("handover-c", () -> {
            try (MemoryWorkspace own = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "WS_HANDOVER_TEST")) {
                Nd4j.create(DataType.FLOAT, 16).assign(1);
            }
            long withOwn = LiveWorkspaces.bytes();
            figures[6] = LiveWorkspaces.takeOver();
            assertTrue(first.get() == Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(conf, "WS_HANDOVER_TEST"),
                    "C now uses the handed-over workspace");
            figures[7] = withOwn - LiveWorkspaces.bytes();
            Nd4j.getWorkspaceManager().destroyWorkspace(first.get());
        });
        assertEquals(0, figures[0], "nothing handed over while a workspace is open");
        assertTrue(figures[2] >= 32 * MB, "the closed 32 MB network workspace handed over: " + figures[2]);
        assertTrue(figures[3] >= figures[1] - 32 * MB - MB, "still counted once A ended (its accumulator's 32 MB went "
                + "with A): " + figures[3] / MB + " of " + figures[1] / MB + " MB");
        assertTrue(figures[4] >= 32 * MB, "taken by B: " + figures[4]);
        assertTrue(Math.abs(figures[5] - figures[3]) < MB, "counted once, not twice: " + figures[5] / MB + " MB against "
                + figures[3] / MB);
        assertTrue(figures[6] >= 32 * MB, "taken by C: " + figures[6]);
        assertTrue(figures[7] >= 32 * MB, "C's own 32 MB freed, nothing added: " + figures[7] / MB + " MB less");
    }

    private static void inThread(String name, ThrowingRunnable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        t.start();
        t.join();
        if (failure.get() != null) {
            throw new AssertionError("in thread " + name, failure.get());
        }
    }

    private interface ThrowingRunnable {
        void run() throws Exception;
    }
}
