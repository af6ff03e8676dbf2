package io.convoy.worker.transport;

import org.junit.jupiter.api.Test;

import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TimerSlackTest {

    @Test
    void threadsStartedWhileWidenedKeepTheSlackAndTheCallerGetsItsOwnBack() throws Exception {
        OptionalLong before = TimerSlack.current();
        assumeTrue(before.isPresent(), "Linux with /proc/<tid>/timerslack_ns");
        long wide = before.getAsLong() + 3_000_000;
        TransportThreads none = TransportThreads.now();

        assertTrue(TimerSlack.widen(wide));
        assertEquals(wide, TimerSlack.current().getAsLong());
        AtomicLong seen = new AtomicLong(-1);
        CountDownLatch read = new CountDownLatch(1);
        CountDownLatch stop = new CountDownLatch(1);
        // named as DL4J names its transport's pool threads
        Thread transport = new Thread(() -> {
            seen.set(TimerSlack.current().orElse(-1));
            read.countDown();
            try {
                stop.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "MessagesExecutorService thread");
        transport.start();
        TimerSlack.restore();
        try {
            read.await();
            assertEquals(wide, seen.get(), "a thread started while widened has the wide slack");
            assertEquals(before.getAsLong(), TimerSlack.current().getAsLong(), "the caller has its own back");
            TransportThreads t = TransportThreads.now();
            assertEquals(none.threads() + 1, t.threads(), t.toString());
            assertTrue(t.switches() > 0, t.toString());
            assertEquals(none.threads() == 0 ? wide : Math.min(wide, none.minSlackNanos()), t.minSlackNanos());
        } finally {
            stop.countDown();
            transport.join();
        }
        TimerSlack.restore(); // not widened any more: nothing changes
        assertEquals(before.getAsLong(), TimerSlack.current().getAsLong());
        assertTrue(!TimerSlack.widen(0), "0 leaves the thread alone");
    }
}
