package io.convoy.worker.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.worker.data.cifar.CifarBinaryReader;
import io.convoy.worker.data.cifar.CifarBinaryReader.Layout;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class CifarHundredTest {
    @Test
    void fineLabelsByDefaultCoarseOnRequest() throws Exception {
        byte[] bytes = SyntheticImages.cifar100Bytes(5, 3);
        List<ImageRecord> fine = new ArrayList<>();
        List<ImageRecord> coarse = new ArrayList<>();
        assertEquals(5, CifarBinaryReader.read(Layout.CIFAR100_FINE, "train.bin", new ByteArrayInputStream(bytes), 0, fine));
        CifarBinaryReader.read(Layout.CIFAR100_COARSE, "train.bin", new ByteArrayInputStream(bytes), 0, coarse);
        for (int i = 0; i < 5; i++) {
            assertEquals(bytes[i * 3074 + 1] & 0xff, fine.get(i).label());
            assertEquals(bytes[i * 3074] & 0xff, coarse.get(i).label());
            assertArrayEquals(Arrays.copyOfRange(bytes, i * 3074 + 2, (i + 1) * 3074), fine.get(i).pixels());
        }
    }

    @Test
    void fineLabelOutOfRangeNamesFileAndOffset() {
        byte[] bytes = SyntheticImages.cifar100Bytes(3, 3);
        bytes[2 * 3074 + 1] = (byte) 120;
        InvalidDataException e = assertThrows(InvalidDataException.class, () -> CifarBinaryReader.read(
                Layout.CIFAR100_FINE, "train.bin", new ByteArrayInputStream(bytes), 0, new ArrayList<>()));
        assertTrue(e.getMessage().contains("train.bin") && e.getMessage().contains("label 120")
                && e.getMessage().contains("offset " + (2 * 3074 + 1)) && e.getMessage().contains("0-99"), e.getMessage());
    }
}
