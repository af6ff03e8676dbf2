package io.convoy.driver.checkpoint;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A fresh run directory {@code <parent>/<name>-<utc time>-<random>}: never an existing directory, also when several
 * runs start at once.
 */
final class RunIdClaim {
    private static final Logger log = LoggerFactory.getLogger(RunIdClaim.class);
    private static final DateTimeFormatter RUN_ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int MAX_ID_ATTEMPTS = 100;

    private RunIdClaim() {
    }

    /** Candidate run ids for a run named {@code name}. */
    static Supplier<String> ids(String name) {
        return () -> name + "-" + RUN_ID_TIME.format(Instant.now()) + "-" + String.format("%06x", RANDOM.nextInt(0x1000000));
    }

    /** Claims the first free id {@code ids} draws under {@code parent} (created if needed); returns the new directory. */
    static Path claimFresh(FileSystem fs, Path parent, Supplier<String> ids) throws IOException {
        fs.mkdirs(parent);
        for (int attempt = 0; attempt < MAX_ID_ATTEMPTS; attempt++) {
            String id = ids.get();
            if (!id.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
                throw new RunStoreException("run id '" + id + "': expected letters, digits, '.', '_' or '-' "
                        + "(check run.name)");
            }
            Path dir = new Path(parent, id);
            if (claim(fs, new RunLayout(dir))) {
                return dir;
            }
            log.debug("run id {} is taken, drawing another", id);
        }
        throw new IOException("no free run id under " + parent + " after " + MAX_ID_ATTEMPTS + " attempts");
    }

    /**
     * Makes the directory ours, or answers false when it exists or another process got it first. Hadoop's
     * mkdirs succeeds on an existing directory, so the claim is an exclusive create of a marker file, which
     * HDFS decides atomically in the NameNode; on the local file system an atomic mkdir does the same.
     */
    private static boolean claim(FileSystem fs, RunLayout layout) throws IOException {
        Path dir = layout.dir();
        if (fs instanceof LocalFileSystem local) {
            if (!local.pathToFile(dir).mkdir()) {
                return false;
            }
        } else {
            if (fs.exists(dir)) {
                return false;
            }
            fs.mkdirs(dir);
        }
        Path marker = layout.claim();
        OutputStream out;
        try {
            out = fs.create(marker, false);
        } catch (IOException e) {
            // FileAlreadyExistsException, or HDFS's AlreadyBeingCreatedException while the other creator writes it
            if (fs.exists(marker)) {
                return false;
            }
            throw e;
        }
        AtomicFiles.writeAndClose(out, o -> o.write(Instant.now().toString().getBytes(StandardCharsets.UTF_8)));
        fs.mkdirs(layout.checkpoints());
        return true;
    }
}
