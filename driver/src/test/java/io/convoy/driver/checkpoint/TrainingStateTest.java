package io.convoy.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class TrainingStateTest {

    @Test
    void theGlobalBatchIsKeptOnAnotherWorkerCount() {
        TrainingState s = new TrainingState(3, 300, 0.1, 10, 1, 2, 128, 2);
        assertEquals(4, s.nextEpoch());
        assertEquals(64, s.batchSizePerWorker(2));
        assertEquals(32, s.batchSizePerWorker(4));
        assertEquals(128, s.batchSizePerWorker(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.batchSizePerWorker(3));
        assertTrue(e.getMessage().contains("global batch of 128 images (2 workers x 64)"), e.getMessage());
    }

    @Test
    void outOfRangeFieldsAreRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TrainingState(3, 30, 0.1, 10, 1, 2, 64, 0));
        assertTrue(e.getMessage().contains("workers 0"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new TrainingState(3, 30, Double.NaN, 10, 1, 2, 64, 2));
        assertThrows(IllegalArgumentException.class, () -> new TrainingState(-1, 30, 0.1, 10, 1, 2, 64, 2));
    }
}
