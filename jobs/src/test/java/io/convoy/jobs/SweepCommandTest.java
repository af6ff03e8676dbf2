package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.CheckpointInfo;
import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.driver.sweep.SweepState;
import io.convoy.worker.data.SyntheticImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `convoy sweep` as a user runs it. The kill is real: the sweep runs in a child JVM that is killed (SIGKILL) once the
 * state file says its first trial finished and the second trial has checkpointed its first of four epochs; the re-run
 * in this JVM must not repeat the first trial (its run directory is byte-for-byte and timestamp-for-timestamp
 * unchanged), must continue the second from its checkpoint in the same run directory, and must report a case with a
 * bad override as failed without stopping the others (exit code 1).
 */
class SweepCommandTest {
    @TempDir
    Path tmp;

    @Test
    void killedAfterTheFirstTrialThenReRunDoesNotRepeatIt() throws Exception {
        Path data = tmp.resolve("digits");
        SyntheticImages.writeMnistDir(data, 192, 48, 5);
        Path file = tmp.resolve("two.conf");
        Files.writeString(file, """
                sweep {
                  name = two
                  base {
                    data { format = mnist, augment.pad = 2 }
                    train { batch-size-per-worker = 32, workers = 2, optimizer.lr = 0.05, lr-schedule.type = constant }
                    spark { master = "local[2]", conf { "spark.ui.enabled" = "false" } }
                  }
                  cases = [
                    { name = first, overrides { "model.name" = resnet8 } }
                    { name = typo, overrides { train.optimiser.lr = 0.1 } }
                    { name = second, overrides { "model.name" = plain8, train.epochs = 4 } }
                  ]
                  budget { width = 0.5 }
                }""");
        Path dir = tmp.resolve("sweep");
        List<String> args = List.of("sweep", file.toString(), "data.path=" + data, "train.epochs=1", "--dir", dir.toString());

        Process child = startChild(args, tmp.resolve("child.log"));
        try {
            awaitKillPoint(dir, child, tmp.resolve("child.log"));
        } finally {
            child.destroyForcibly(); // SIGKILL: no shutdown hooks, the second trial is cut off wherever it is
            child.waitFor(60, TimeUnit.SECONDS);
        }
        Map<String, SweepState.Trial> killed = SweepState.read(dir.toString(), new Configuration()).orElseThrow().trials();
        assertEquals(SweepState.Status.FINISHED, killed.get("first").status());
        assertEquals(SweepState.Status.FAILED, killed.get("typo").status(), "refused before any trial started");
        assertEquals(SweepState.Status.RUNNING, killed.get("second").status(), "killed while the second trial ran");
        Path firstRun = Path.of(java.net.URI.create(killed.get("first").runDir()));
        Map<String, String> before = snapshot(firstRun);
        assertTrue(before.containsKey("checkpoints/epoch-0001.zip"), before.toString());
        Path secondRun = secondRunDir(dir).orElseThrow();
        CheckpointInfo secondEpoch1 = RunStore.open(secondRun.toString(), new Configuration()).manifest().get(0);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = withStdout(out, () -> ConvoyCli.execute(args.toArray(String[]::new)));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(ConvoyCli.EXIT_FAILED, exit, "one case failed: " + printed);
        assertEquals(before, snapshot(firstRun), "the finished trial was not touched");

        Map<String, SweepState.Trial> after = SweepState.read(dir.toString(), new Configuration()).orElseThrow().trials();
        assertEquals(1, after.get("first").attempts(), "not started again");
        assertEquals(SweepState.Status.FINISHED, after.get("second").status(), after.get("second").error());
        // continued in its run directory from the epoch-1 checkpoint, not restarted
        assertEquals(2, after.get("second").attempts());
        assertEquals(secondRun, Path.of(java.net.URI.create(after.get("second").runDir())));
        try (Stream<Path> runs = Files.list(dir.resolve("runs/second"))) {
            assertEquals(1, runs.filter(p -> Files.exists(p.resolve("config.conf"))).count(), "one run of the second trial");
        }
        List<CheckpointInfo> manifest = RunStore.open(secondRun.toString(), new Configuration()).manifest();
        assertEquals(List.of(1, 2, 3, 4), manifest.stream().map(CheckpointInfo::epoch).toList());
        assertEquals(secondEpoch1.sha256(), manifest.get(0).sha256(), "the epoch-1 checkpoint was kept, not rewritten");
        assertTrue(after.get("typo").error().contains("unknown config key 'train.optimiser.lr'"), after.get("typo").error());

        List<CSVRecord> rows;
        try (Reader in = Files.newBufferedReader(dir.resolve("results.csv"))) {
            rows = CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build().parse(in).getRecords();
        }
        assertEquals(List.of("first", "typo", "second"), rows.stream().map(r -> r.get("case")).toList());
        for (CSVRecord r : List.of(rows.get(0), rows.get(2))) {
            assertEquals("finished", r.get("status"));
            double top1 = Double.parseDouble(r.get("top1_error"));
            double top5 = Double.parseDouble(r.get("top5_error"));
            assertTrue(top1 >= 0 && top1 <= 1 && top5 <= top1, r.toString());
            assertTrue(Double.parseDouble(r.get("train_loss")) > 0, r.toString());
            assertTrue(Double.parseDouble(r.get("wall_seconds")) > 0, r.toString());
        }
        assertEquals("1", rows.get(0).get("epochs"));
        assertEquals("4", rows.get(2).get("epochs"), "the case's own train.epochs wins over the command line's");
        assertEquals("failed", rows.get(1).get("status"));
        assertEquals("", rows.get(1).get("top1_error"));
        // the first trial's numbers are those its run recorded when the child JVM trained it
        String eval = Files.readString(firstRun.resolve("eval-latest.json"));
        assertTrue(eval.contains(rows.get(0).get("top1_error")), eval + " vs " + rows.get(0));
        assertTrue(printed.contains("second") && printed.contains("results: "), printed);
        assertTrue(Files.readString(dir.resolve("results.md")).contains("| typo |"));
    }

    @Test
    void aBadSweepFileExitsTwoAndDryRunListsTheTrials() throws Exception {
        Path bad = tmp.resolve("bad.conf");
        Files.writeString(bad, "sweep { axes { model.name = resnet8 } }");
        assertEquals(ConvoyCli.EXIT_USAGE, ConvoyCli.execute("sweep", bad.toString()));

        Path ok = tmp.resolve("ok.conf");
        Files.writeString(ok, "sweep { axes { \"model.name\" = [plain20, resnet20] } }");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertEquals(0, withStdout(out, () -> ConvoyCli.execute("sweep", ok.toString(), "data.path=/x", "--dry-run",
                "--epochs", "2", "--dir", tmp.resolve("d").toString())));
        assertTrue(out.toString(StandardCharsets.UTF_8).contains("plain20"), out.toString(StandardCharsets.UTF_8));
        assertFalse(Files.exists(tmp.resolve("d")), "a dry run writes nothing");
        // no data.path: every trial is refused, nothing can run
        assertEquals(ConvoyCli.EXIT_USAGE, ConvoyCli.execute("sweep", ok.toString(), "--dir", tmp.resolve("d").toString()));
        assertFalse(Files.exists(tmp.resolve("d")), "nothing written when nothing could run");
        assertEquals(ConvoyCli.EXIT_USAGE, ConvoyCli.execute("sweep", ok.toString(), "data.path=/x", "--dry-run", "--width", "0"));
    }

    private static Process startChild(List<String> args, Path log) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx1500m");
        cmd.addAll(List.of(SparkContexts.EXECUTOR_JAVA_OPTIONS.split(" ")));
        cmd.add("-cp");
        cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
        cmd.add(ConvoyCli.class.getName());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        return pb.start();
    }

    /**
     * Waits until the child's state file shows the first trial finished and the second trial's manifest lists its first
     * checkpoint (polling; the child's death ends the wait). Three epochs of the second trial remain then.
     */
    private static void awaitKillPoint(Path dir, Process child, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            Optional<SweepState.Content> state;
            try {
                state = SweepState.read(dir.toString(), new Configuration());
            } catch (java.io.UncheckedIOException e) {
                state = Optional.empty(); // caught between write and rename on a slow disk: read again
            }
            if (state.isPresent() && state.get().trials().containsKey("first")
                    && state.get().trials().get("first").status() == SweepState.Status.FINISHED) {
                Optional<Path> second = secondRunDir(dir);
                try {
                    if (second.isPresent() && Files.exists(second.get().resolve("manifest.json"))
                            && !RunStore.open(second.get().toString(), new Configuration()).manifest().isEmpty()) {
                        return;
                    }
                } catch (RuntimeException e) {
                    // the manifest was being replaced: read again
                }
            }
            if (!child.isAlive()) {
                throw new AssertionError("the sweep's JVM ended (exit " + child.exitValue() + ") before the first trial "
                        + "finished:\n" + Files.readString(log));
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the first trial and the second's first epoch did not finish within 10 minutes:\n" + Files.readString(log));
    }

    private static Optional<Path> secondRunDir(Path sweepDir) throws IOException {
        Path parent = sweepDir.resolve("runs/second");
        if (!Files.isDirectory(parent)) {
            return Optional.empty();
        }
        try (Stream<Path> runs = Files.list(parent)) {
            return runs.filter(p -> Files.exists(p.resolve("config.conf"))).findFirst();
        }
    }

    /** Every file of a run directory: relative path -> size, modification time and content hash. */
    private static Map<String, String> snapshot(Path runDir) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(runDir)) {
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
                out.put(runDir.relativize(p).toString(), a.size() + " " + a.lastModifiedTime().toMillis() + " "
                        + java.util.Arrays.hashCode(Files.readAllBytes(p)));
            }
        }
        assertNotNull(out);
        return out;
    }

    private static int withStdout(ByteArrayOutputStream buf, java.util.function.IntSupplier body) {
        PrintStream saved = System.out;
        System.setOut(new PrintStream(buf, true, StandardCharsets.UTF_8));
        try {
            return body.getAsInt();
        } finally {
            System.setOut(saved);
        }
    }
}
