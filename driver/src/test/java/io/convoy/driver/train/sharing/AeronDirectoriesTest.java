package io.convoy.driver.train.sharing;

import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Removing a media driver's directory: the whole tree, and quietly when it is already gone. */
class AeronDirectoriesTest {
    @TempDir
    Path tmp;

    @Test
    void removesTheTreeAndToleratesOneThatIsGone() throws Exception {
        Path dir = tmp.resolve("aeron-test");
        Files.createDirectories(dir.resolve("images"));
        for (int i = 0; i < 20; i++) {
            Files.writeString(dir.resolve("images/" + i + ".logbuffer"), "x");
        }
        // another process removing the same files while the walk runs
        Thread racer = new Thread(() -> {
            for (int i = 19; i >= 0; i--) {
                dir.resolve("images/" + i + ".logbuffer").toFile().delete();
            }
        });
        racer.start();
        AeronDirectories.remove(dir);
        racer.join();
        AeronDirectories.remove(dir); // already gone: no exception
        assertFalse(Files.exists(dir));
    }
}
