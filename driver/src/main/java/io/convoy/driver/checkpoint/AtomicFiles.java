package io.convoy.driver.checkpoint;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Whole files on any Hadoop file system, written under a temporary name and renamed into place, so a reader
 * sees the old file or the new one, never a part: the run directory's files, reports, sweep results.
 */
public final class AtomicFiles {
    /** Indented JSON, for the manifest, the sidecars and the small JSON files of a run directory. */
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final FileSystem fs;

    public AtomicFiles(FileSystem fs) {
        this.fs = fs;
    }

    FileSystem fs() {
        return fs;
    }

    /** Writes the content of a file, as {@link #writeAndClose}. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Writes {@code bytes} to {@code target}; throws {@link UncheckedIOException} naming the target. */
    public void write(Path target, byte[] bytes) {
        try {
            write(target, out -> out.write(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Writes {@code value} as indented JSON to {@code target}. */
    void writeJson(Path target, Object value) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + target, e);
        }
        write(target, bytes);
    }

    /** Writes {@code content} to {@code target}; on failure the temporary file is removed and target is as it was. */
    public void write(Path target, Content content) throws IOException {
        Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp");
        try {
            writeAndClose(fs.create(tmp, true), content);
            replace(tmp, target);
        } catch (IOException | RuntimeException e) {
            deleteQuietly(tmp);
            throw e;
        }
    }

    byte[] read(Path p) {
        try (InputStream in = fs.open(p)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes and closes. Not try-with-resources: HDFS's output stream rethrows one stored exception (a quota
     * exceeded, say) from write and again from close, and try-with-resources fails adding it to itself.
     */
    static void writeAndClose(OutputStream out, Content content) throws IOException {
        try {
            content.writeTo(out);
        } catch (IOException | RuntimeException e) {
            try {
                out.close();
            } catch (IOException | RuntimeException c) {
                if (c != e) {
                    e.addSuppressed(c);
                }
            }
            throw e;
        }
        out.close();
    }

    /**
     * Renames tmp over target. Hadoop's FileSystem.rename does not overwrite, so an existing target
     * is moved aside first and removed only after the new file is in place.
     */
    private void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (fs.exists(target)) {
            old = new Path(target.getParent(), "." + target.getName() + ".old");
            fs.delete(old, false);
            if (!fs.rename(target, old)) {
                throw new IOException("cannot move " + target + " aside");
            }
        }
        if (!fs.rename(tmp, target)) {
            if (old != null) {
                fs.rename(old, target);
            }
            throw new IOException("cannot rename " + tmp + " to " + target);
        }
        if (old != null) {
            fs.delete(old, false);
        }
    }

    private void deleteQuietly(Path p) {
        try {
            fs.delete(p, false);
        } catch (IOException ignored) {
            // the temporary file is hidden and replaced by the next attempt
        }
    }
}
