package io.convoy.driver.checkpoint;

import java.io.BufferedInputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Loads a checkpoint only after its file has the manifest's size and SHA-256 and holds nothing but what Convoy
 * writes; every fault is a {@link RunStoreException} naming the file and what is wrong.
 */
final class VerifiedLoader {
    /**
     * What {@code ModelSerializer.writeModel(net, out, true)} writes. DL4J's reader would also read
     * {@code preprocessor.bin} (and {@code normalizer.bin} elsewhere) with {@code ObjectInputStream}: refused.
     */
    static final Set<String> MODEL_ENTRIES = Set.of(ModelSerializer.CONFIGURATION_JSON, ModelSerializer.COEFFICIENTS_BIN,
            ModelSerializer.UPDATER_BIN, ModelSerializer.NO_PARAMS_MARKER);

    private final FileSystem fs;
    private final RunLayout layout;

    VerifiedLoader(FileSystem fs, RunLayout layout) {
        this.fs = fs;
        this.layout = layout;
    }

    /** Checks an entry's file (size, then SHA-256, streaming) and only then parses it. */
    RunStore.Loaded load(CheckpointInfo info) {
        Path p;
        try {
            p = layout.inside(info.file());
        } catch (RunStoreException e) {
            throw new RunStoreException("checkpoint of epoch " + info.epoch() + " is bad: " + e.getMessage(), e);
        }
        verify(info, p);
        try (InputStream in = new BufferedInputStream(fs.open(p), 1 << 16)) {
            return new RunStore.Loaded(info, ModelSerializer.restoreComputationGraph(in, true));
        } catch (IOException | RuntimeException e) {
            throw new RunStoreException("checkpoint " + p + " cannot be read as a DL4J model with updater state: " + e, e);
        }
    }

    private void verify(CheckpointInfo info, Path p) {
        try {
            long length = fs.getFileStatus(p).getLen();
            if (length != info.bytes()) {
                throw new RunStoreException("checkpoint " + p + " is " + (length < info.bytes() ? "truncated" : "corrupt")
                        + ": " + length + " bytes, manifest says " + info.bytes());
            }
            MessageDigest sha = CheckpointWriter.sha256();
            List<String> entries = new ArrayList<>();
            try (InputStream in = fs.open(p)) {
                // one pass: the entry names as DL4J's reader (a ZipInputStream) will see them, and the digest of every byte
                DigestInputStream digested = new DigestInputStream(new BufferedInputStream(in, 1 << 16), sha);
                try {
                    ZipInputStream zip = new ZipInputStream(digested);
                    for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                        entries.add(e.getName());
                    }
                } catch (IOException | IllegalArgumentException notAZip) {
                    entries.clear(); // DL4J reports what is wrong with it, after the checksum
                }
                digested.transferTo(OutputStream.nullOutputStream());
            }
            String actual = HexFormat.of().formatHex(sha.digest());
            if (!actual.equals(info.sha256())) {
                throw new RunStoreException("checkpoint " + p + " is corrupt: SHA-256 " + actual + ", manifest says " + info.sha256());
            }
            for (String name : entries) {
                if (!MODEL_ENTRIES.contains(name)) {
                    // the checksum shows the file is what the manifest lists, not who wrote both: a writer of the run
                    // directory could add preprocessor.bin or normalizer.bin, which DL4J reads with Java deserialization
                    throw new RunStoreException("checkpoint " + p + " holds an entry '" + name + "' that Convoy never "
                            + "writes (expected only " + MODEL_ENTRIES + "); not loading it: DL4J would deserialize "
                            + "such entries as Java objects");
                }
            }
        } catch (FileNotFoundException e) {
            throw new RunStoreException("checkpoint " + p + " is missing (listed in the manifest, not on the file system)", e);
        } catch (IOException e) {
            throw new RunStoreException("checkpoint " + p + " cannot be read: " + e.getMessage(), e);
        }
    }
}
