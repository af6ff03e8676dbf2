package io.convoy.worker.data.cifar;

import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.Streams;
import io.convoy.zoo.InputShape;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * Reads CIFAR-10 binary batches (Krizhevsky 2009): records of 1 label byte followed by 3072 pixel
 * bytes, the 1024 red values first, then green, then blue, each row-major: already channels-height-width.
 */
public final class CifarBinaryReader {
    public static final InputShape SHAPE = new InputShape(3, 32, 32);
    public static final int CIFAR10_RECORD_BYTES = 1 + 3 * 32 * 32;
    public static final int CIFAR10_CLASSES = 10;

    private CifarBinaryReader() {
    }

    /**
     * Appends the records of one batch file to {@code out}; ids continue from {@code firstId}.
     *
     * @return the number of records read
     */
    public static int readCifar10(String name, InputStream raw, long firstId, List<ImageRecord> out) throws IOException {
        InputStream in = Streams.maybeGunzip(raw);
        byte[] record = new byte[CIFAR10_RECORD_BYTES];
        int count = 0;
        long offset = 0;
        while (true) {
            int n = Streams.readFully(in, record);
            if (n == 0) {
                return count;
            }
            if (n < CIFAR10_RECORD_BYTES) {
                throw new InvalidDataException(name + ": size " + (offset + n) + " bytes is not a multiple of "
                        + CIFAR10_RECORD_BYTES + " (CIFAR-10 record = 1 label byte + 3072 pixel bytes);"
                        + " the record at byte offset " + offset + " is truncated to " + n + " bytes");
            }
            int label = record[0] & 0xff;
            if (label >= CIFAR10_CLASSES) {
                throw new InvalidDataException(name + ": label " + label + " at byte offset " + offset
                        + " is out of range 0-" + (CIFAR10_CLASSES - 1) + " (is this a CIFAR-100 file?)");
            }
            byte[] pixels = new byte[CIFAR10_RECORD_BYTES - 1];
            System.arraycopy(record, 1, pixels, 0, pixels.length);
            out.add(new ImageRecord(firstId + count, label, pixels));
            count++;
            offset += CIFAR10_RECORD_BYTES;
        }
    }
}
