package io.convoy.worker.monitor;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.MemoryWorkspaceManager;
import org.nd4j.linalg.api.memory.abstracts.Nd4jWorkspace;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The bytes ND4J's workspaces hold in this JVM, summed over every live thread's workspaces and the network workspaces
 * handed over between training threads and not yet taken ({@link #handOver()}).
 *
 * <p>Why not ND4J's own figure: {@code AllocationsTracker}'s WORKSPACE count (ND4J 1.0.0-M2.1, CPU backend) adds a
 * workspace's size plus its safety offset when the workspace is allocated, subtracts only the size (not the offset)
 * when it is destroyed, and nothing at all when a workspace is freed because its thread ended and the workspace was
 * collected ({@code CpuWorkspaceDeallocator}). Threads that train do end (a Spark task thread idle for 60 s leaves
 * the pool; gradient sharing's trainer threads), so that count only grows, whatever the workspaces hold.
 *
 * <p>How: ND4J keeps each thread's workspaces in a {@code ThreadLocal} map of its workspace manager
 * ({@code BasicWorkspaceManager.backingMap}); this reads that map for every live thread (reflection into
 * {@code java.lang.Thread}, which Convoy's JVM flags open) and sums each workspace's main block, pinned and spilled
 * allocations. Workspaces of ended threads not yet collected are not counted: they are garbage, freed by the next
 * collection. Reading another thread's map while it changes may fail; such a thread is read again once and then
 * skipped. Returns -1 where the reflection is refused (another ND4J version, or the flags missing).
 */
public final class LiveWorkspaces {
    /** The ids of the workspaces DL4J's networks train in ({@code ComputationGraph.WS_LAYER_WORKING_MEM} ...). */
    static final String NETWORK_PREFIX = "WS_";
    /** The name {@link #byThread()} gives the workspaces handed over and not yet taken. */
    static final String HANDED_OVER_NAME = "(handed over)";
    /**
     * Network workspaces a training thread handed over at the end of its task ({@link #handOver()}), by id, until the
     * next thread that trains takes them ({@link #takeOver()}). Guarded by the class.
     */
    private static final Map<String, MemoryWorkspace> HANDED_OVER = new LinkedHashMap<>();

    private LiveWorkspaces() {
    }

    /** Bytes held by the live threads' workspaces and the handed-over ones, or -1 when they cannot be read. */
    public static long bytes() {
        Map<String, Long> each = byThread();
        return each == null ? -1 : each.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * What each live thread's workspaces hold: "thread name#id" to bytes, threads without workspaces left out; null
     * when they cannot be read. For diagnosis (which threads keep workspaces, {@code -Dconvoy.probe.workspaces=true}).
     */
    public static Map<String, Long> byThread() {
        try {
            ThreadLocal<?> backing = backingMap(Nd4j.getWorkspaceManager());
            Field threadLocals = Thread.class.getDeclaredField("threadLocals");
            threadLocals.setAccessible(true);
            Method getEntry = null;
            Field value = null;
            Map<String, Long> out = new TreeMap<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                Object map = threadLocals.get(t);
                if (map == null) {
                    continue;
                }
                if (getEntry == null) {
                    getEntry = map.getClass().getDeclaredMethod("getEntry", ThreadLocal.class);
                    getEntry.setAccessible(true);
                }
                Object entry = getEntry.invoke(map, backing);
                if (entry == null) {
                    continue;
                }
                if (value == null) {
                    value = entry.getClass().getDeclaredField("value");
                    value.setAccessible(true);
                }
                Object workspaces = value.get(entry);
                if (workspaces instanceof Map<?, ?> m && !m.isEmpty()) {
                    out.put(t.getName() + "#" + t.getId() + m.keySet(), sum(m));
                }
            }
            synchronized (LiveWorkspaces.class) {
                if (!HANDED_OVER.isEmpty()) {
                    out.put(HANDED_OVER_NAME + HANDED_OVER.keySet(), sum(HANDED_OVER));
                }
            }
            return out;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Destroys the calling thread's network workspaces (DL4J's {@code WS_*}: layer working memory, activations, output)
     * when none of its workspaces is open, and returns the bytes they held (0 when one is open or there are none).
     * For a thread that trains once per Spark task: the executor's task pool runs consecutive tasks on whichever of
     * its threads is free, and each thread that ever trained would otherwise keep a full set while it lives. The next
     * training pass on the thread allocates them again. Other workspaces stay: gradient sharing's accumulator keeps
     * its message buffers ({@code CGA-*}) in workspaces of the thread that created it and goes on using them (destroyed,
     * every later update failed with "Workspace is full").
     */
    public static long releaseCurrentThread() {
        List<MemoryWorkspace> network = closedNetworkWorkspaces();
        long held = 0;
        for (MemoryWorkspace w : network) {
            held += bytesOf(w);
            Nd4j.getWorkspaceManager().destroyWorkspace(w);
        }
        return held;
    }

    /**
     * Hands the calling thread's closed network workspaces ({@code WS_*}) over to the next thread that trains in this
     * JVM, and returns the bytes they hold (0 when one of the thread's workspaces is open or there are none). They
     * leave the thread's own map without being freed; {@link #takeOver()} on the next training thread puts them in
     * that thread's map, so a set is allocated once per JVM and follows the training from thread to thread, instead of
     * once per thread ({@link #releaseCurrentThread()} frees it and allocates it again every task). A set handed over
     * earlier and never taken is freed here: at most one set waits.
     */
    public static synchronized long handOver() {
        List<MemoryWorkspace> network = closedNetworkWorkspaces();
        if (network.isEmpty()) {
            return 0;
        }
        Map<String, MemoryWorkspace> own = ownMap();
        long held = 0;
        for (MemoryWorkspace w : network) {
            own.remove(w.getId());
            MemoryWorkspace stale = HANDED_OVER.put(w.getId(), w);
            if (stale != null && stale != w) {
                stale.destroyWorkspace(true);
            }
            held += bytesOf(w);
        }
        return held;
    }

    /**
     * The calling thread takes the network workspaces handed over by {@link #handOver()}: each joins the thread's own
     * map as it is (already allocated, at the sizes training learned). A closed workspace of the same id the thread
     * holds already (from inference, say: precise BatchNorm or evaluation on this thread, sized for that) is freed and
     * replaced; an open one stays, and the handed-over one is freed instead. Returns the bytes taken.
     */
    public static synchronized long takeOver() {
        MemoryWorkspaceManager manager = Nd4j.getWorkspaceManager();
        long taken = 0;
        for (Iterator<MemoryWorkspace> it = HANDED_OVER.values().iterator(); it.hasNext(); ) {
            MemoryWorkspace w = it.next();
            it.remove();
            MemoryWorkspace own = manager.checkIfWorkspaceExists(w.getId())
                    ? manager.getWorkspaceForCurrentThread(w.getId()) : null;
            if (own != null && own.isScopeActive()) {
                w.destroyWorkspace(true);
                continue;
            }
            if (own != null) {
                manager.destroyWorkspace(own);
            }
            manager.setWorkspaceForCurrentThread(w, w.getId());
            taken += bytesOf(w);
        }
        return taken;
    }

    /** The calling thread's network workspaces, or none when any of its workspaces is open. */
    private static List<MemoryWorkspace> closedNetworkWorkspaces() {
        if (Nd4j.getMemoryManager().getCurrentWorkspace() != null) {
            return List.of();
        }
        List<MemoryWorkspace> network = new ArrayList<>();
        for (MemoryWorkspace w : Nd4j.getWorkspaceManager().getAllWorkspacesForCurrentThread()) {
            if (w.isScopeActive()) {
                return List.of();
            }
            if (w.getId().startsWith(NETWORK_PREFIX)) {
                network.add(w);
            }
        }
        return network;
    }

    /** The calling thread's own workspace map in ND4J's manager (read with reflection; the thread's alone). */
    @SuppressWarnings("unchecked")
    private static Map<String, MemoryWorkspace> ownMap() {
        try {
            return (Map<String, MemoryWorkspace>) backingMap(Nd4j.getWorkspaceManager()).get();
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read ND4J's workspace map (another ND4J version?)", e);
        }
    }

    /** The bytes of one thread's workspaces (main block, pinned and spilled allocations). */
    static long sum(Map<?, ?> workspaces) {
        for (int attempt = 0; attempt < 2; attempt++) {
            try {
                long total = 0;
                for (Object w : workspaces.values().toArray()) {
                    total += bytesOf(w);
                }
                return total;
            } catch (ConcurrentModificationException | ArrayIndexOutOfBoundsException | NullPointerException e) {
                // the owning thread changed its map while it was read: once more, then skip it
            }
        }
        return 0;
    }

    private static long bytesOf(Object w) {
        if (w instanceof Nd4jWorkspace n) {
            return n.getCurrentSize() + n.getPinnedSize() + n.getSpilledSize();
        }
        return w instanceof MemoryWorkspace mw ? mw.getCurrentSize() : 0;
    }

    private static ThreadLocal<?> backingMap(MemoryWorkspaceManager manager) throws ReflectiveOperationException {
        for (Class<?> c = manager.getClass(); c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField("backingMap");
                f.setAccessible(true);
                return (ThreadLocal<?>) f.get(manager);
            } catch (NoSuchFieldException e) {
                // look in the superclass
            }
        }
        throw new NoSuchFieldException("backingMap in " + manager.getClass().getName());
    }
}
