package io.convoy.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which checkpoints a policy keeps, without a file system; the stores' tests check that the files follow. */
class RetentionPolicyTest {

    private static CheckpointInfo entry(int epoch, Double top1) {
        Map<String, Double> metrics = new HashMap<>();
        if (top1 != null) {
            metrics.put("top1_error", top1);
        }
        return new CheckpointInfo(epoch, epoch * 10L, String.format("checkpoints/epoch-%04d.zip", epoch), "sha", 1, "t", metrics, null);
    }

    private static List<Integer> keptEpochs(List<CheckpointInfo> all, RetentionPolicy policy) {
        return new ArrayList<>(policy.kept(all)).stream().map(CheckpointInfo::epoch).sorted().toList();
    }

    @Test
    void keepsTheLastKPlusTheLowestTop1Error() {
        List<CheckpointInfo> all = List.of(entry(1, 0.9), entry(2, 0.1), entry(3, 0.5), entry(4, 0.4), entry(5, 0.6));
        assertEquals(List.of(2, 4, 5), keptEpochs(all, new RetentionPolicy(2, true)));
        assertEquals(List.of(4, 5), keptEpochs(all, new RetentionPolicy(2, false)));
        assertEquals(List.of(2, 5), keptEpochs(all, new RetentionPolicy(1, true)));
        assertEquals(List.of(1, 2, 3, 4, 5), keptEpochs(all, new RetentionPolicy(0, false)), "0 keeps all");
        assertEquals(List.of(1, 2, 3, 4, 5), keptEpochs(all, new RetentionPolicy(9, true)));
    }

    @Test
    void onlyEvaluatedCheckpointsCompeteForBestAndTiesGoToTheLater() {
        List<CheckpointInfo> all = List.of(entry(1, null), entry(2, Double.NaN), entry(3, 0.3), entry(4, 0.3), entry(5, null));
        assertEquals(List.of(4, 5), keptEpochs(all, new RetentionPolicy(1, true)));
        List<CheckpointInfo> none = List.of(entry(1, null), entry(2, null));
        assertEquals(List.of(2), keptEpochs(none, new RetentionPolicy(1, true)), "no metric: only the last K");
    }

    @Test
    void aNegativeKeepLastIsRefusedNamingTheKey() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new RetentionPolicy(-1, true));
        assertTrue(e.getMessage().contains("checkpoint.keep-last = -1"), e.getMessage());
    }
}
