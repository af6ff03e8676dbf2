package io.convoy.driver.eval;

import io.convoy.driver.checkpoint.RunLayout;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Claim files that keep evaluators started at the same time off the same checkpoint:
 * {@code <run>/claims/<key>.claim.<generation>}. A claim is won by creating the next generation's
 * file when it does not exist, which only one creator can do; the holder refreshes the file's
 * modification time (a heartbeat) while it works and deletes its claim when done. A claim whose file
 * has not been refreshed for {@code staleAfter} belongs to an evaluator that died: the next evaluator
 * takes it over by creating the following generation, again a create-if-absent, so two evaluators
 * that find the same stale claim cannot both take it.
 *
 * <p>Create-if-absent is atomic on HDFS ({@code create} without overwrite is decided by the NameNode).
 * Hadoop's local file system checks and then creates, which races, so on {@code file:} paths the claim
 * is created with the operating system's exclusive create (O_CREAT|O_EXCL). Object stores without an
 * atomic create (S3) cannot keep two evaluators apart this way.
 */
public final class EvaluationClaims {
    private static final Logger log = LoggerFactory.getLogger(EvaluationClaims.class);
    public static final String DIR = RunLayout.EVALUATION_CLAIMS;
    private static final String INFIX = ".claim.";

    private final FileSystem fs;
    private final Path dir;
    private final Duration staleAfter;
    private final String owner;

    /**
     * @param staleAfter a claim not refreshed for this long is taken over; the holder refreshes it four times as often
     * @param owner      who claims, written into the claim file for messages (host, process, evaluator)
     */
    public EvaluationClaims(FileSystem fs, Path runDir, Duration staleAfter, String owner) {
        if (staleAfter.isNegative() || staleAfter.isZero()) {
            throw new IllegalArgumentException("claim staleness timeout must be > 0, got " + staleAfter);
        }
        this.fs = fs;
        this.dir = new Path(runDir, DIR);
        this.staleAfter = staleAfter;
        this.owner = owner;
    }

    /** A name for this process: host, process id and a random suffix (several evaluators may share a JVM). */
    public static String newOwner() {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        return host + ":" + ProcessHandle.current().pid() + ":" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    /** The outcome of a claim attempt. */
    public sealed interface Attempt {
    }

    /** This evaluator holds the claim until it closes it. */
    public record Won(Claim claim) implements Attempt {
    }

    /** Another evaluator holds a live claim. */
    public record Held(String by, Duration age) implements Attempt {
    }

    /** Tries to claim {@code key}; never waits. */
    public Attempt tryClaim(String key) {
        try {
            fs.mkdirs(dir);
            List<Generation> gens = generations(key);
            int next = 0;
            if (!gens.isEmpty()) {
                Generation top = gens.get(gens.size() - 1);
                Duration age = Duration.ofMillis(Math.max(0, System.currentTimeMillis() - top.modified()));
                if (age.compareTo(staleAfter) < 0) {
                    return new Held(readOwner(top.path()), age);
                }
                log.warn("claim {} of {} was last refreshed {} s ago (timeout {} s): its evaluator is gone, taking it over",
                        top.path().getName(), readOwner(top.path()), age.toSeconds(), staleAfter.toSeconds());
                next = top.generation() + 1;
            }
            Path p = new Path(dir, key + INFIX + next);
            String content = "{\"owner\": \"" + owner.replace("\"", "'") + "\", \"claimed\": \"" + Instant.now() + "\"}\n";
            if (!createIfAbsent(p, content.getBytes(StandardCharsets.UTF_8))) {
                return new Held(readOwner(p), Duration.ZERO);
            }
            return new Won(new Claim(key, next, p));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot claim " + key + " under " + dir, e);
        }
    }

    private record Generation(int generation, Path path, long modified) {
    }

    private List<Generation> generations(String key) throws IOException {
        FileStatus[] all;
        try {
            all = fs.listStatus(dir);
        } catch (FileNotFoundException e) {
            return List.of();
        }
        List<Generation> out = new ArrayList<>();
        for (FileStatus s : all) {
            String name = s.getPath().getName();
            if (name.startsWith(key + INFIX)) {
                try {
                    out.add(new Generation(Integer.parseInt(name.substring((key + INFIX).length())), s.getPath(),
                            s.getModificationTime()));
                } catch (NumberFormatException ignored) {
                    // not one of ours
                }
            }
        }
        out.sort(Comparator.comparingInt(Generation::generation));
        return out;
    }

    private boolean createIfAbsent(Path p, byte[] content) throws IOException {
        if ("file".equals(fs.getScheme())) {
            try {
                Files.write(new File(p.toUri().getPath()).toPath(), content, StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            }
        }
        try (OutputStream out = fs.create(p, false)) {
            out.write(content);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            // HDFS reports a file another client is creating right now as a RemoteException
            if (fs.exists(p)) {
                return false;
            }
            throw e;
        }
    }

    private String readOwner(Path p) {
        try (InputStream in = fs.open(p)) {
            String s = new String(in.readNBytes(1024), StandardCharsets.UTF_8);
            int i = s.indexOf("\"owner\": \"");
            return i < 0 ? "an evaluator" : s.substring(i + 10, Math.max(i + 10, s.indexOf('"', i + 10)));
        } catch (IOException e) {
            return "an evaluator (claim " + p.getName() + " unreadable or just released)";
        }
    }

    /** A won claim: refreshed in the background until closed; closing deletes it (and the stale ones it replaced). */
    public final class Claim implements AutoCloseable {
        private final String key;
        private final int generation;
        private final Path path;
        private final ScheduledExecutorService heartbeat;
        private volatile boolean lost;
        private boolean closed;

        private Claim(String key, int generation, Path path) {
            this.key = key;
            this.generation = generation;
            this.path = path;
            long period = Math.max(50, staleAfter.toMillis() / 4);
            this.heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "convoy-claim-" + key);
                t.setDaemon(true);
                return t;
            });
            heartbeat.scheduleAtFixedRate(this::beat, period, period, TimeUnit.MILLISECONDS);
        }

        public Path path() {
            return path;
        }

        public int generation() {
            return generation;
        }

        /** Whether another evaluator took the claim over (this one missed its heartbeats for longer than the timeout). */
        public boolean lost() {
            return lost;
        }

        /** Refreshes the claim's modification time; notices when it has been taken over. */
        public void beat() {
            try {
                List<Generation> gens = generations(key);
                if (!gens.isEmpty() && gens.get(gens.size() - 1).generation() > generation) {
                    if (!lost) {
                        log.warn("claim {} was taken over by another evaluator (this one was silent for longer than {} s)",
                                path.getName(), staleAfter.toSeconds());
                    }
                    lost = true;
                    return;
                }
                fs.setTimes(path, System.currentTimeMillis(), -1);
            } catch (IOException | RuntimeException e) {
                log.warn("cannot refresh claim {}: {}", path, e.toString());
            }
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            heartbeat.shutdownNow();
            try {
                heartbeat.awaitTermination(10, TimeUnit.SECONDS);
                for (Generation g : generations(key)) {
                    if (g.generation() <= generation) {
                        fs.delete(g.path(), false);
                    }
                }
            } catch (IOException e) {
                log.warn("cannot delete claim {}: {} (it goes stale and is taken over after {} s)", path, e.toString(),
                        staleAfter.toSeconds());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
