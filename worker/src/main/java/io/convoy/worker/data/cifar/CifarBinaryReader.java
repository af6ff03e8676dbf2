package io.convoy.worker.data.cifar;

import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.Streams;
import io.convoy.zoo.InputShape;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads CIFAR-10 and CIFAR-100 binary batches (Krizhevsky 2009): records of 1 label byte (CIFAR-100: a
 * coarse and a fine label byte) followed by 3072 pixel
 * bytes, the 1024 red values first, then green, then blue, each row-major: already channels-height-width.
 */
public final class CifarBinaryReader {
    public static final InputShape SHAPE = new InputShape(3, 32, 32);
    public static final int CIFAR10_RECORD_BYTES = 1 + 3 * 32 * 32;
    public static final int CIFAR10_CLASSES = 10;

    private CifarBinaryReader() {
    }

    /** Which CIFAR binary layout: CIFAR-10 (1 label byte), CIFAR-100 (coarse then fine label byte). */
    public enum Layout {
        CIFAR10(1, 0, 10, "CIFAR-10"), CIFAR100_FINE(2, 1, 100, "CIFAR-100 fine"), CIFAR100_COARSE(2, 0, 20, "CIFAR-100 coarse");

        final int labelBytes;
        final int labelAt;
        final int classes;
        final String description;

        Layout(int labelBytes, int labelAt, int classes, String description) {
            this.labelBytes = labelBytes;
            this.labelAt = labelAt;
            this.classes = classes;
            this.description = description;
        }

        public int classes() {
            return classes;
        }

        public int recordBytes() {
            return labelBytes + SHAPE.pixels();
        }
    }

    /**
     * Appends the records of one CIFAR-10 batch file to {@code out}; ids continue from {@code firstId}.
     *
     * @return the number of records read
     */
    public static int readCifar10(String name, InputStream raw, long firstId, List<ImageRecord> out) throws IOException {
        return read(Layout.CIFAR10, name, raw, firstId, out);
    }

    /** Appends the records of one batch file in the given layout; ids continue from {@code firstId}. */
    public static int read(Layout layout, String name, InputStream raw, long firstId, List<ImageRecord> out) throws IOException {
        InputStream in = Streams.maybeGunzip(raw);
        int recordBytes = layout.recordBytes();
        byte[] record = new byte[recordBytes];
        int count = 0;
        long offset = 0;
        while (true) {
            int n = Streams.readFully(in, record);
            if (n == 0) {
                return count;
            }
            if (n < recordBytes) {
                throw new InvalidDataException(name + ": size " + (offset + n) + " bytes is not a multiple of "
                        + recordBytes + " (" + layout.description + " record = " + layout.labelBytes
                        + " label byte(s) + 3072 pixel bytes); the record at byte offset " + offset
                        + " is truncated to " + n + " bytes");
            }
            int label = record[layout.labelAt] & 0xff;
            if (label >= layout.classes) {
                throw new InvalidDataException(name + ": label " + label + " at byte offset " + (offset + layout.labelAt)
                        + " is out of range 0-" + (layout.classes - 1) + " for " + layout.description
                        + (layout == Layout.CIFAR10 ? " (is this a CIFAR-100 file?)" : ""));
            }
            byte[] pixels = new byte[SHAPE.pixels()];
            System.arraycopy(record, layout.labelBytes, pixels, 0, pixels.length);
            out.add(new ImageRecord(firstId + count, label, pixels));
            count++;
            offset += recordBytes;
        }
    }
}
