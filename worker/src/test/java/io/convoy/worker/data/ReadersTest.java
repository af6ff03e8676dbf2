package io.convoy.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.cifar.CifarBinaryReader;
import io.convoy.worker.data.mnist.IdxReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {
    @TempDir
    Path dir;

    @Test
    void idxRawAndGzipReadTheSameRecords() throws IOException {
        SyntheticImages.writeIdx(dir.resolve("a-images"), dir.resolve("a-labels"), 23, 28, 5);
        SyntheticImages.writeIdx(dir.resolve("b-images.gz"), dir.resolve("b-labels.gz"), 23, 28, 5);
        ImageSplit raw = read("a-images", "a-labels");
        ImageSplit gz = read("b-images.gz", "b-labels.gz");
        assertEquals(23, raw.size());
        assertEquals("1x28x28", raw.shape().toString());
        for (int i = 0; i < 23; i++) {
            assertEquals(i % 10, raw.records().get(i).label());
            assertEquals(raw.records().get(i).label(), gz.records().get(i).label());
            assertArrayEquals(raw.records().get(i).pixels(), gz.records().get(i).pixels());
        }
        // pixels come straight from the file, after the 16-byte header
        byte[] file = Files.readAllBytes(dir.resolve("a-images"));
        assertArrayEquals(Arrays.copyOfRange(file, 16 + 784, 16 + 2 * 784), raw.records().get(1).pixels());
    }

    @Test
    void idxWrongMagicNamesFileAndValue() throws IOException {
        SyntheticImages.writeIdx(dir.resolve("img"), dir.resolve("lab"), 3, 28, 1);
        // swap: the labels file given as the images file
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> read("lab", "img"));
        assertTrue(e.getMessage().contains("lab") && e.getMessage().contains("0x00000801")
                && e.getMessage().contains("2051"), e.getMessage());
    }

    @Test
    void idxTruncatedImagesFileIsReported() throws IOException {
        SyntheticImages.writeIdx(dir.resolve("img"), dir.resolve("lab"), 5, 28, 1);
        byte[] full = Files.readAllBytes(dir.resolve("img"));
        Files.write(dir.resolve("img"), Arrays.copyOf(full, full.length - 100));
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> read("img", "lab"));
        assertTrue(e.getMessage().contains("truncated at image 4"), e.getMessage());
    }

    @Test
    void cifarRecordsAndTruncationOffset() throws IOException {
        byte[] bytes = SyntheticImages.cifar10Bytes(4, 9);
        List<ImageRecord> out = new ArrayList<>();
        assertEquals(4, CifarBinaryReader.readCifar10("b.bin", new ByteArrayInputStream(bytes), 100, out));
        assertEquals(100, out.get(0).id());
        assertEquals(bytes[3073] & 0xff, out.get(1).label());
        assertArrayEquals(Arrays.copyOfRange(bytes, 3074, 2 * 3073), out.get(1).pixels());

        byte[] cut = Arrays.copyOf(bytes, 3 * 3073 + 10);
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> CifarBinaryReader.readCifar10("cut.bin", new ByteArrayInputStream(cut), 0, new ArrayList<>()));
        assertTrue(e.getMessage().contains("cut.bin") && e.getMessage().contains("3073")
                && e.getMessage().contains("offset " + 3 * 3073), e.getMessage());
    }

    @Test
    void cifarLabelOutOfRangeIsReported() {
        byte[] bytes = SyntheticImages.cifar10Bytes(2, 9);
        bytes[3073] = (byte) 57;
        InvalidDataException e = assertThrows(InvalidDataException.class,
                () -> CifarBinaryReader.readCifar10("x.bin", new ByteArrayInputStream(bytes), 0, new ArrayList<>()));
        assertTrue(e.getMessage().contains("label 57") && e.getMessage().contains("offset 3073"), e.getMessage());
    }

    @Test
    void syntheticClassesDiffer() {
        Random rng = new Random(1);
        assertTrue(!Arrays.equals(SyntheticImages.image(0, 1, 8, 8, rng), SyntheticImages.image(5, 1, 8, 8, rng)));
    }

    private ImageSplit read(String images, String labels) throws IOException {
        try (InputStream i = Files.newInputStream(dir.resolve(images)); InputStream l = Files.newInputStream(dir.resolve(labels))) {
            return IdxReader.read(images, i, labels, l);
        }
    }
}
