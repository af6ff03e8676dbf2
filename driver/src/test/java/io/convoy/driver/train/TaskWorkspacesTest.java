package io.convoy.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.config.RunConfig.SparkSettings;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.driver.train.QuietTransportWorker.TaskWorkspaces;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What gradient sharing's worker does with a task's network workspaces, on real Spark tasks (local[2], so the task
 * pool has two threads to change between). Each task does what DL4J's fit does around the listener: onEpochStart,
 * a minibatch in the layer-working-memory workspace, onEpochEnd.
 */
class TaskWorkspacesTest {
    private static final String ID = "WS_TASK_WORKSPACES_TEST";
    private static final WorkspaceConfiguration CONF = WorkspaceConfiguration.builder().initialSize(8L << 20)
            .policyAllocation(AllocationPolicy.STRICT).policyLearning(LearningPolicy.NONE).build();

    @AfterEach
    void defaultMode() {
        System.clearProperty(TaskWorkspaces.PROPERTY);
    }

    /** One task's fit: returns the identity of the workspace object its minibatch used, and its thread's id. */
    private static long[] fit(TaskWorkspaces listener) {
        listener.onEpochStart(null);
        MemoryWorkspace ws = Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(CONF, ID);
        try (MemoryWorkspace open = ws.notifyScopeEntered()) {
            Nd4j.create(DataType.FLOAT, 256, 256).assign(1);
        }
        listener.onEpochEnd(null);
        return new long[] {System.identityHashCode(ws), Thread.currentThread().getId()};
    }

    private static Set<Long> workspacesOf(JavaSparkContext sc, String mode, int tasks) {
        System.setProperty(TaskWorkspaces.PROPERTY, mode);
        TaskWorkspaces listener = new TaskWorkspaces();
        Set<Long> workspaces = new HashSet<>();
        Set<Long> threads = new HashSet<>();
        // two tasks launched at once per round, so two pool threads train, one after the other
        for (int round = 0; round < tasks / 2; round++) {
            for (long[] r : sc.parallelize(List.of(0, 1), 2).map(i -> {
                Thread.sleep(1000L * i);
                return fit(listener);
            }).collect()) {
                workspaces.add(r[0]);
                threads.add(r[1]);
            }
        }
        assertTrue(threads.size() >= 2, "the tasks ran on more than one thread: " + threads);
        return workspaces;
    }

    @Test
    void handedOverTheSetFollowsTheTrainingFromThreadToThread() {
        try (JavaSparkContext sc = SparkContexts.create(new SparkSettings("local[2]", "task-workspaces",
                Map.of("spark.ui.enabled", "false")))) {
            // keep (DL4J's way): every thread that trained has its own set
            assertTrue(workspacesOf(sc, "keep", 6).size() >= 2, "one set per thread when kept");
            // handover: the first task's set goes to whichever thread trains next, which frees its own (kept) one
            Set<Long> handedOver = workspacesOf(sc, "handover", 6);
            assertEquals(1, handedOver.size(), "handed over, one set for every task on every thread: " + handedOver);
        }
    }

    @Test
    void freedEachTaskAllocatesItsOwn() {
        try (JavaSparkContext sc = SparkContexts.create(new SparkSettings("local[2]", "task-workspaces-free",
                Map.of("spark.ui.enabled", "false")))) {
            assertEquals(6, workspacesOf(sc, "free", 6).size(), "freed: a new workspace every task");
        }
    }

    @Test
    void outsideASparkTaskNothingIsHandedOver() {
        TaskWorkspaces listener = new TaskWorkspaces();
        long[] first = fit(listener);
        long[] second = fit(listener);
        assertEquals(first[0], second[0], "the thread keeps its own workspace");
        assertTrue(Nd4j.getWorkspaceManager().checkIfWorkspaceExists(ID), "still in the thread's map");
        Nd4j.getWorkspaceManager().destroyWorkspace(Nd4j.getWorkspaceManager().getWorkspaceForCurrentThread(ID));
    }

    @Test
    void aModeOtherThanTheThreeIsRefusedByName() {
        System.setProperty(TaskWorkspaces.PROPERTY, "recycle");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, TaskWorkspaces::mode);
        assertEquals("-Dconvoy.sharing.workspaces=recycle: expected handover, free or keep", e.getMessage());
        System.setProperty(TaskWorkspaces.PROPERTY, " Keep ");
        assertEquals(TaskWorkspaces.Mode.KEEP, TaskWorkspaces.mode());
        System.clearProperty(TaskWorkspaces.PROPERTY);
        assertEquals(TaskWorkspaces.Mode.HANDOVER, TaskWorkspaces.mode(), "the default");
    }
}
