package io.convoy.worker.data.mnist;

import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.ImageSplit;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.Streams;
import io.convoy.zoo.InputShape;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads MNIST-style IDX files (LeCun et al.): an images file (magic 2051: count, rows, columns,
 * then unsigned bytes) and a labels file (magic 2049: count, then one byte per label). Either may
 * be gzip-compressed.
 */
public final class IdxReader {
    public static final int IMAGES_MAGIC = 0x00000803;
    public static final int LABELS_MAGIC = 0x00000801;
    /** MNIST and its look-alikes (Fashion-MNIST, KMNIST) have ten classes. */
    public static final int NUM_CLASSES = 10;

    private IdxReader() {
    }

    public static ImageSplit read(String imagesName, InputStream imagesIn, String labelsName, InputStream labelsIn)
            throws IOException {
        DataInputStream images = new DataInputStream(Streams.maybeGunzip(imagesIn));
        DataInputStream labels = new DataInputStream(Streams.maybeGunzip(labelsIn));

        int imagesMagic = header(images, imagesName, 0, "magic number");
        if (imagesMagic != IMAGES_MAGIC) {
            throw new InvalidDataException(String.format(
                    "%s: not an IDX image file: magic number at offset 0 is 0x%08x, expected 0x%08x (2051)",
                    imagesName, imagesMagic, IMAGES_MAGIC));
        }
        int count = header(images, imagesName, 4, "image count");
        int rows = header(images, imagesName, 8, "row count");
        int cols = header(images, imagesName, 12, "column count");
        if (count < 0 || rows <= 0 || cols <= 0) {
            throw new InvalidDataException(imagesName + ": bad IDX header: " + count + " images of " + rows + "x" + cols);
        }

        int labelsMagic = header(labels, labelsName, 0, "magic number");
        if (labelsMagic != LABELS_MAGIC) {
            throw new InvalidDataException(String.format(
                    "%s: not an IDX label file: magic number at offset 0 is 0x%08x, expected 0x%08x (2049)",
                    labelsName, labelsMagic, LABELS_MAGIC));
        }
        int labelCount = header(labels, labelsName, 4, "label count");
        if (labelCount != count) {
            throw new InvalidDataException(labelsName + " has " + labelCount + " labels but " + imagesName
                    + " has " + count + " images");
        }

        int pixels = rows * cols;
        List<ImageRecord> records = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] img = new byte[pixels];
            int n = Streams.readFully(images, img);
            if (n != pixels) {
                throw new InvalidDataException(imagesName + ": truncated at image " + i + " (byte offset "
                        + (16L + (long) i * pixels + n) + "); the header promises " + count + " images of " + pixels + " bytes");
            }
            int label = labels.read();
            if (label < 0) {
                throw new InvalidDataException(labelsName + ": truncated at label " + i + " (byte offset " + (8L + i) + ")");
            }
            if (label >= NUM_CLASSES) {
                throw new InvalidDataException(labelsName + ": label " + label + " at byte offset " + (8L + i)
                        + " is out of range 0-" + (NUM_CLASSES - 1));
            }
            records.add(new ImageRecord(i, label, img));
        }
        return new ImageSplit(imagesName, new InputShape(1, rows, cols), NUM_CLASSES, records);
    }

    private static int header(DataInputStream in, String name, int offset, String what) throws IOException {
        byte[] b = new byte[4];
        if (Streams.readFully(in, b) != 4) {
            throw new InvalidDataException(name + ": file ends inside the IDX header (reading the " + what
                    + " at byte offset " + offset + ")");
        }
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }
}
