package io.convoy.driver;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Paths as users write them (local paths or Hadoop URIs) turned into Hadoop paths and file systems. */
public final class HadoopPaths {
    private HadoopPaths() {
    }

    /**
     * A path with a scheme (hdfs://, file:/, s3a://) stays as it is; anything else is a local path made absolute.
     * Either way without a trailing slash, so that {@code resolve("runs/x/")} and {@code resolve("runs/x")} are equal.
     */
    public static Path resolve(String location) {
        URI uri = URI.create(location.replace(" ", "%20"));
        if (uri.getScheme() != null && uri.getScheme().length() > 1) {
            return new Path(location);
        }
        // File.toURI ends an existing directory with '/'; Path's string constructor drops it
        return new Path(new File(location).getAbsoluteFile().toURI().toString());
    }

    public static FileSystem fileSystem(Path path, Configuration conf) {
        try {
            FileSystem fs = path.getFileSystem(conf);
            fs.setWriteChecksum(false); // no .crc files beside checkpoints on the local file system
            return fs;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the file system of " + path, e);
        }
    }
}
