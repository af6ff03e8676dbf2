package io.convoy.worker.transport;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * DL4J's gradient-sharing transport threads in this JVM as Linux sees them: how often they woke (context switches)
 * and the smallest timer slack among them ({@link TimerSlack} says why it matters). DL4J names every thread of its
 * transport's pool "MessagesExecutorService thread" (Linux keeps the first 15 characters); Aeron's own threads are
 * not among them. Linux only; elsewhere there are none.
 *
 * @param threads      transport threads alive
 * @param switches     their voluntary and involuntary context switches since they started
 * @param minSlackNanos the smallest timer slack among them; -1 when there are none
 */
public record TransportThreads(int threads, long switches, long minSlackNanos) {
    /** DL4J's thread name ({@code AeronUdpTransport}) as /proc/&lt;tid&gt;/comm shows it. */
    static final String COMM = "MessagesExecutorService thread".substring(0, 15);
    public static final TransportThreads NONE = new TransportThreads(0, 0, -1);

    /** This JVM's transport threads now. */
    public static TransportThreads now() {
        Path tasks = Path.of("/proc/self/task");
        if (!Files.isDirectory(tasks)) {
            return NONE;
        }
        int threads = 0;
        long switches = 0;
        long minSlack = -1;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tasks)) {
            for (Path task : ds) {
                try {
                    if (!Files.readString(task.resolve("comm")).trim().equals(COMM)) {
                        continue;
                    }
                    long s = 0;
                    for (String line : Files.readAllLines(task.resolve("status"))) {
                        if (line.startsWith("voluntary_ctxt_switches:") || line.startsWith("nonvoluntary_ctxt_switches:")) {
                            s += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
                        }
                    }
                    long slack = Long.parseLong(Files.readString(
                            Path.of("/proc", task.getFileName().toString(), "timerslack_ns")).trim());
                    threads++;
                    switches += s;
                    minSlack = minSlack < 0 ? slack : Math.min(minSlack, slack);
                } catch (IOException | NumberFormatException e) {
                    // the thread ended while it was read
                }
            }
        } catch (IOException | SecurityException e) {
            return NONE;
        }
        return new TransportThreads(threads, switches, minSlack);
    }
}
