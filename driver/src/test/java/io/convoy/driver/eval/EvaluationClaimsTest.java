package io.convoy.driver.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.HadoopPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Claim files on the real local file system. */
class EvaluationClaimsTest {
    @TempDir
    Path tmp;

    private EvaluationClaims claims(Duration staleAfter, String owner) {
        org.apache.hadoop.fs.Path dir = HadoopPaths.resolve(tmp.toString());
        FileSystem fs = HadoopPaths.fileSystem(dir, new Configuration());
        return new EvaluationClaims(fs, dir, staleAfter, owner);
    }

    @Test
    void ofEightEvaluatorsRacingForTheSameCheckpointExactlyOneWins() throws Exception {
        int racers = 8;
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            for (int round = 0; round < rounds; round++) {
                String key = "eval-epoch-" + round;
                CyclicBarrier start = new CyclicBarrier(racers);
                List<Future<EvaluationClaims.Attempt>> attempts = new ArrayList<>();
                for (int r = 0; r < racers; r++) {
                    EvaluationClaims mine = claims(Duration.ofMinutes(5), "racer-" + r);
                    attempts.add(pool.submit(() -> {
                        start.await();
                        return mine.tryClaim(key);
                    }));
                }
                List<EvaluationClaims.Won> won = new ArrayList<>();
                for (Future<EvaluationClaims.Attempt> a : attempts) {
                    if (a.get() instanceof EvaluationClaims.Won w) {
                        won.add(w);
                    }
                }
                // released only when every racer has tried: a claim released earlier may be won again,
                // which is the evaluator's cue to look for the finished result (EvaluationRun does)
                won.forEach(w -> w.claim().close());
                assertEquals(1, won.size(), "round " + round);
            }
        } finally {
            pool.shutdownNow();
        }
        try (var files = Files.list(tmp.resolve(EvaluationClaims.DIR))) {
            assertEquals(0, files.count(), "every claim deleted when closed");
        }
    }

    @Test
    void aLiveClaimIsRespectedAndAStaleOneTakenOverOnce() throws Exception {
        EvaluationClaims a = claims(Duration.ofMinutes(5), "evaluator-a");
        EvaluationClaims.Won first = assertInstanceOf(EvaluationClaims.Won.class, a.tryClaim("eval-epoch-0001"));
        EvaluationClaims.Held held = assertInstanceOf(EvaluationClaims.Held.class,
                claims(Duration.ofMinutes(5), "evaluator-b").tryClaim("eval-epoch-0001"));
        assertEquals("evaluator-a", held.by());

        // evaluator a "crashes": its claim stops being refreshed; an hour later it is stale
        Path file = tmp.resolve(EvaluationClaims.DIR).resolve("eval-epoch-0001.claim.0");
        assertTrue(Files.isRegularFile(file));
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 3_600_000));
        first.claim().path(); // the claim object lives on, but its heartbeat is not due for minutes

        EvaluationClaims.Won taken = assertInstanceOf(EvaluationClaims.Won.class,
                claims(Duration.ofMinutes(5), "evaluator-b").tryClaim("eval-epoch-0001"));
        assertEquals(1, taken.claim().generation());
        assertInstanceOf(EvaluationClaims.Held.class, claims(Duration.ofMinutes(5), "evaluator-c").tryClaim("eval-epoch-0001"),
                "the new generation is live");
        // the old holder notices at its next heartbeat that its claim is gone
        first.claim().beat();
        assertTrue(first.claim().lost());
        assertFalse(taken.claim().lost());
        taken.claim().close();
        first.claim().close();
        try (var files = Files.list(tmp.resolve(EvaluationClaims.DIR))) {
            assertEquals(0, files.count());
        }
    }

    @Test
    void theHeartbeatKeepsAClaimFresh() throws Exception {
        EvaluationClaims a = claims(Duration.ofMillis(800), "evaluator-a");
        try (EvaluationClaims.Claim claim = assertInstanceOf(EvaluationClaims.Won.class, a.tryClaim("k")).claim()) {
            Path file = tmp.resolve(EvaluationClaims.DIR).resolve("k.claim.0");
            long old = System.currentTimeMillis() - 3_600_000;
            Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(old));
            // the background heartbeat (every 200 ms here) refreshes it; wait for that without timing it
            while (Files.getLastModifiedTime(file).toMillis() == old) {
                Thread.sleep(20);
            }
            assertTrue(Files.getLastModifiedTime(file).toMillis() > old + 3_000_000);
            assertFalse(claim.lost());
        }
    }
}
