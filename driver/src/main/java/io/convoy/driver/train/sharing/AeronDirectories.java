package io.convoy.driver.train.sharing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Aeron's media drivers leave {@code /dev/shm/aeron-<user>-<uuid>} directories behind. The driver
 * notes which exist before gradient sharing starts and removes the ones that appeared during the run
 * once Spark has stopped (in local mode the media driver lives in this JVM).
 */
public final class AeronDirectories {
    private static final Logger log = LoggerFactory.getLogger(AeronDirectories.class);
    private static final Path SHM = Path.of("/dev/shm");

    private AeronDirectories() {
    }

    public static Set<String> snapshot() {
        Set<String> names = new HashSet<>();
        File[] files = SHM.toFile().listFiles((dir, name) -> name.startsWith("aeron-"));
        if (files != null) {
            for (File f : files) {
                names.add(f.getName());
            }
        }
        return names;
    }

    public static void removeNewSince(Set<String> before) {
        for (String name : snapshot()) {
            if (before.contains(name)) {
                continue;
            }
            remove(SHM.resolve(name));
        }
    }

    /**
     * Removes one directory tree. An executor's media driver on this host may be removing its own files at the same
     * time: what vanishes during the walk is gone either way (the walk is tried again), and cleaning up never fails
     * the run.
     */
    static void remove(Path dir) {
        for (int attempt = 1; attempt <= 3 && Files.exists(dir); attempt++) {
            try (Stream<Path> walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                log.debug("removed Aeron directory {}", dir);
            } catch (NoSuchFileException e) {
                return; // gone before the walk started
            } catch (UncheckedIOException e) {
                if (!(e.getCause() instanceof NoSuchFileException)) {
                    log.warn("could not remove Aeron directory {}: {}", dir, e.getMessage());
                    return;
                }
            } catch (IOException e) {
                log.warn("could not remove Aeron directory {}: {}", dir, e.getMessage());
                return;
            }
        }
    }
}
