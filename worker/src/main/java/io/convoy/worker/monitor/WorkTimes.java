package io.convoy.worker.monitor;

import io.convoy.worker.transport.TransportThreads;
import java.io.Serializable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where one executor JVM's time went since the last {@link #drain()}: the training iterations' phases as
 * {@link IterationPhases} times them on the training threads (wall time), and the CPU time of every live thread of
 * the JVM by kind ({@link #group}): the training tasks, Aeron's conductor/sender/receiver (gradient sharing's
 * transport), DL4J's parallel trainers, and the rest. On a machine with fewer cores than busy threads, CPU that
 * Aeron or another thread burns is compute the training threads do not get, which the phases alone cannot show.
 *
 * @param iterations       training iterations timed
 * @param dataForwardNanos from the end of one iteration to the end of the next forward pass: waiting for the next
 *                         minibatch, plus the forward pass (the first iteration of each task is not counted)
 * @param backwardNanos    the backward pass
 * @param stepNanos        from the gradients to the end of the iteration: the updater and L2, and under gradient
 *                         sharing the threshold encoding of this worker's update, handing it to the transport, and
 *                         decoding and applying the updates of the others
 * @param threadCpuNanos   CPU time per thread kind (threads that ended since the last drain are not counted)
 * @param transportWakeups context switches of DL4J's gradient-sharing transport threads since the last drain
 *                         ({@link TransportThreads}): how often they took a core
 * @param transportSlackNanos the smallest timer slack among those threads; -1 when there are none
 */
public record WorkTimes(long iterations, long dataForwardNanos, long backwardNanos, long stepNanos,
                        Map<String, Long> threadCpuNanos, long transportWakeups, long transportSlackNanos)
        implements Serializable {
    private static final long serialVersionUID = 1L;

    static final LongAdder ITERATIONS = new LongAdder();
    static final LongAdder DATA_FORWARD = new LongAdder();
    static final LongAdder BACKWARD = new LongAdder();
    static final LongAdder STEP = new LongAdder();
    /** CPU time of each thread at the last drain, by thread id. */
    private static final Map<Long, Long> LAST_CPU = new HashMap<>();
    /** The transport threads' context switches at the last drain. */
    private static long lastTransportSwitches;

    public static final WorkTimes NONE = new WorkTimes(0, 0, 0, 0, Map.of(), 0, -1);

    /** This JVM's times since the last drain; the next drain starts from now. */
    public static synchronized WorkTimes drain() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> cpu = new TreeMap<>();
        Map<Long, Long> now = new HashMap<>();
        if (threads.isThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled()) {
            for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
                if (info == null) {
                    continue; // ended between the two calls
                }
                long t = threads.getThreadCpuTime(info.getThreadId());
                if (t < 0) {
                    continue;
                }
                now.put(info.getThreadId(), t);
                cpu.merge(group(info.getThreadName()), t - LAST_CPU.getOrDefault(info.getThreadId(), 0L), Long::sum);
            }
        }
        LAST_CPU.clear();
        LAST_CPU.putAll(now);
        TransportThreads transport = TransportThreads.now();
        long wakeups = Math.max(0, transport.switches() - lastTransportSwitches);
        lastTransportSwitches = transport.switches();
        return new WorkTimes(ITERATIONS.sumThenReset(), DATA_FORWARD.sumThenReset(), BACKWARD.sumThenReset(),
                STEP.sumThenReset(), cpu, wakeups, transport.minSlackNanos());
    }

    /** The kind of a thread by its name: "tasks", "aeron", "trainers" or "other". */
    public static String group(String threadName) {
        String n = threadName.toLowerCase(Locale.ROOT);
        if (n.startsWith("executor task launch worker")) {
            return "tasks";
        }
        if (n.contains("aeron") || n.contains("conductor") || n.equals("sender") || n.equals("receiver")
                || n.startsWith("driver-") || n.contains("sender-receiver")) {
            return "aeron";
        }
        if (n.contains("parallelwrapper") || n.contains("trainer")) {
            return "trainers";
        }
        return "other";
    }

    /** Both samples together (several executors, or several drains of one). */
    public WorkTimes plus(WorkTimes o) {
        Map<String, Long> cpu = new TreeMap<>(threadCpuNanos);
        o.threadCpuNanos.forEach((k, v) -> cpu.merge(k, v, Long::sum));
        return new WorkTimes(iterations + o.iterations, dataForwardNanos + o.dataForwardNanos,
                backwardNanos + o.backwardNanos, stepNanos + o.stepNanos, cpu, transportWakeups + o.transportWakeups,
                transportSlackNanos < 0 ? o.transportSlackNanos
                        : o.transportSlackNanos < 0 ? transportSlackNanos : Math.min(transportSlackNanos, o.transportSlackNanos));
    }
}
