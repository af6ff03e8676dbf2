package io.convoy.driver.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.RunLayout;
import io.convoy.driver.checkpoint.RunStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** eval-latest.json: training's final evaluation, written and read as {@link EvaluationRecord.Scores}. */
class LatestEvaluationTest {
    @TempDir
    Path tmp;

    @Test
    void theFileHasTheFieldsItAlwaysHadAndReadsBack() {
        EvalCounts c = new EvalCounts(3);
        c.add(0, new float[] {0.7f, 0.2f, 0.1f}, 0);
        c.add(1, new float[] {0.6f, 0.3f, 0.1f}, 0);
        RunStore store = RunStore.create(tmp.toString(), "latest", new Configuration());
        store.writeJson(RunLayout.EVAL_LATEST, EvaluationRecord.Scores.of(c));

        @SuppressWarnings("unchecked")
        Map<String, Object> raw = store.readJson(RunLayout.EVAL_LATEST, Map.class);
        assertEquals(List.of("records", "top1_error", "top5_error", "mean_nll", "per_class_accuracy", "per_class_records",
                "confusion_matrix"), List.copyOf(raw.keySet()));
        assertEquals(0.5, raw.get("top1_error"));
        EvaluationRecord.Scores back = store.readJson(RunLayout.EVAL_LATEST, EvaluationRecord.Scores.class);
        assertEquals(2, back.records());
        assertEquals(c.top1Error(), back.top1Error());
        assertEquals(c.meanNll(), back.meanNll(), 1e-12);
        assertArrayEquals(new long[] {1, 1, 0}, back.perClassRecords());
        assertEquals(1.0, back.perClassAccuracy()[0]);
        assertTrue(Double.isNaN(back.perClassAccuracy()[2]), "a class without records: NaN, written as \"NaN\"");
        assertArrayEquals(c.confusionMatrix(), back.confusionMatrix());
    }

    @Test
    void anOlderFileWithFewerOrOtherFieldsStillReads() throws Exception {
        RunStore store = RunStore.create(tmp.toString(), "old", new Configuration());
        Files.writeString(Path.of(store.dir().toUri()).resolve(RunLayout.EVAL_LATEST),
                "{\"records\": 10, \"top1_error\": 0.3, \"top5_error\": 0.0, \"per_class_accuracy\": [0.5, \"NaN\"],"
                        + " \"evaluated_by\": \"training\"}");
        EvaluationRecord.Scores s = store.readJson(RunLayout.EVAL_LATEST, EvaluationRecord.Scores.class);
        assertEquals(0.3, s.top1Error());
        assertEquals(0.5, s.perClassAccuracy()[0]);
        assertTrue(Double.isNaN(s.perClassAccuracy()[1]));
        assertNull(s.confusionMatrix());
        assertNull(s.perClassRecords());
    }
}
