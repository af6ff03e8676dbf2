package io.convoy.worker.transport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * The Linux timer slack of the calling thread: how late the kernel may wake it from a timed sleep, so that nearby
 * wake-ups are merged (50 µs by default). A thread starts with the slack of the thread that created it.
 * <p>
 * Why Convoy touches it: DL4J's gradient-sharing transport ({@code AeronUdpTransport}) polls its Aeron subscription
 * in a loop that sleeps 1 µs between empty polls, hard-coded. With the default slack that thread wakes ~15,000 times
 * a second in every executor and in the driver; on a machine whose cores are all training, each wake-up preempts a
 * training thread (measured on the two-executor cluster: 5,000–9,000 involuntary context switches a second of each
 * executor's training thread, its forward and backward passes 1.6–2× slower than under averaging). Creating those
 * threads from a thread whose slack is 1 ms lets them wake ~1,000 times a second instead; a message waits at most
 * that much longer to be picked up. {@link #widen} before DL4J starts its transport, {@link #restore} after.
 * <p>
 * Linux only ({@code /proc/<tid>/timerslack_ns}, since 4.6); a thread may set its own slack without privileges.
 * Elsewhere, or where /proc is not readable, nothing is changed and {@link #widen} returns false.
 */
public final class TimerSlack {
    private static final Path THREAD_SELF = Path.of("/proc/thread-self");
    /** The slack this thread had before {@link #widen}, while widened. */
    private static final ThreadLocal<Long> BEFORE = new ThreadLocal<>();

    private TimerSlack() {
    }

    /** The calling thread's timer slack in nanoseconds, when the system shows it. */
    public static OptionalLong current() {
        Path f = file();
        if (f == null) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(Files.readString(f).trim()));
        } catch (IOException | NumberFormatException | SecurityException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * Sets the calling thread's slack to {@code nanos} (if it is smaller) until {@link #restore}: threads this
     * thread creates meanwhile keep it. False when it could not be set (not Linux, or {@code nanos <= 0}).
     */
    public static boolean widen(long nanos) {
        if (nanos <= 0) {
            return false;
        }
        OptionalLong now = current();
        if (now.isEmpty()) {
            return false;
        }
        if (now.getAsLong() >= nanos) {
            return true;
        }
        if (!write(nanos)) {
            return false;
        }
        if (BEFORE.get() == null) {
            BEFORE.set(now.getAsLong());
        }
        return true;
    }

    /** Runs {@code work} with the calling thread's slack widened to {@code nanos}, then gives it back. */
    public static void whileWidened(long nanos, Runnable work) {
        widen(nanos);
        try {
            work.run();
        } finally {
            restore();
        }
    }

    /** Gives the calling thread back the slack it had before {@link #widen}; nothing if it was not widened. */
    public static void restore() {
        Long before = BEFORE.get();
        if (before != null) {
            BEFORE.remove();
            write(before);
        }
    }

    private static boolean write(long nanos) {
        Path f = file();
        if (f == null) {
            return false;
        }
        try {
            Files.writeString(f, Long.toString(nanos));
            return true;
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /** /proc/&lt;tid&gt;/timerslack_ns of the calling thread (the per-task directories do not carry it). */
    private static Path file() {
        try {
            // /proc/thread-self -> "<pid>/task/<tid>"
            Path link = Files.readSymbolicLink(THREAD_SELF);
            Path f = Path.of("/proc", link.getFileName().toString(), "timerslack_ns");
            return Files.isRegularFile(f) ? f : null;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return null;
        }
    }
}
