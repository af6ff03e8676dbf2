package io.convoy.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;

/**
 * What a run store must do on every Hadoop file system; {@link LocalRunStoreTest} runs it on file:// and
 * {@link HdfsRunStoreTest} on an in-process HDFS. Each test gets a fresh, empty parent directory.
 */
abstract class RunStoreContract {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CONFIG = "model { name = tiny }\n";

    /** A fresh, empty directory (as a Hadoop URI) to create run directories in. */
    abstract String freshParent();

    abstract Configuration conf();

    FileSystem fs(String location) throws IOException {
        return new Path(location).getFileSystem(conf());
    }

    RunStore newRun(String parent) {
        RunStore store = RunStore.create(parent, "tiny", conf());
        store.writeConfig(CONFIG);
        return store;
    }

    static TrainingState state(int epoch, ComputationGraph net) {
        return new TrainingState(epoch, net.getIterationCount(), 0.05 / epoch, 10, 42L, 43L, 64, 2);
    }

    /** Trains the net two more steps (it is the "next epoch") and checkpoints it. */
    static CheckpointInfo epoch(RunStore store, ComputationGraph net, int epoch, double top1Error) {
        net.fit(TinyGraphs.batch(1000 + epoch));
        net.fit(TinyGraphs.batch(2000 + epoch));
        return store.writeCheckpoint(net, state(epoch, net), Map.of("top1_error", top1Error, "lr", 0.05 / epoch), CONFIG);
    }

    @Test
    void writesVerifiesAndRestoresParametersAndUpdaterStateExactly() throws Exception {
        String parent = freshParent();
        RunStore store = newRun(parent);
        ComputationGraph net = TinyGraphs.trained(7, 3);
        epoch(store, net, 1, 0.5);
        CheckpointInfo second = epoch(store, net, 2, 0.4);
        float[] savedParams = TinyGraphs.params(net);
        float[] savedUpdater = TinyGraphs.updaterState(net);
        assertTrue(Arrays.stream(toDoubles(savedUpdater)).anyMatch(v -> v != 0), "momentum state is not trivially zero");

        // a resumed driver opens the run by its location
        RunStore reopened = RunStore.open(store.dir().toString(), conf());
        assertEquals(List.of(1, 2), reopened.manifest().stream().map(CheckpointInfo::epoch).toList());
        RunStore.Loaded loaded = reopened.loadLatestGood().orElseThrow();
        assertEquals(2, loaded.info().epoch());
        assertArrayEquals(savedParams, TinyGraphs.params(loaded.net()), "parameters bit for bit");
        assertArrayEquals(savedUpdater, TinyGraphs.updaterState(loaded.net()), "updater state bit for bit");
        assertEquals(net.getIterationCount(), loaded.net().getIterationCount());
        assertEquals(net.getEpochCount(), loaded.net().getEpochCount());
        assertEquals(state(2, net), loaded.state());
        assertEquals(3, loaded.state().nextEpoch());

        // the manifest's SHA-256 and size are those of the bytes on the file system
        byte[] zip = reopened.readFile(second.file());
        assertEquals(second.bytes(), zip.length);
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(zip)), second.sha256());
        JsonNode manifest = JSON.readTree(reopened.readFile("manifest.json"));
        assertEquals(second.sha256(), manifest.at("/checkpoints/1/sha256").asText());
        assertEquals(64, manifest.at("/checkpoints/1/state/globalBatch").asInt());
        assertEquals(0.4, manifest.at("/checkpoints/1/metrics/top1_error").asDouble());
        JsonNode sidecar = JSON.readTree(reopened.readFile("checkpoints/epoch-0002.json"));
        assertEquals(42, sidecar.at("/state/dataOrderSeed").asLong());
        assertEquals(43, sidecar.at("/state/augmentationSeed").asLong());
        assertEquals(CONFIG, sidecar.at("/config").asText());

        // restored with its updater, the network continues exactly as the original would have
        net.fit(TinyGraphs.batch(99));
        loaded.net().fit(TinyGraphs.batch(99));
        assertArrayEquals(TinyGraphs.params(net), TinyGraphs.params(loaded.net()));

        // no temporary files are left behind
        assertEquals(List.of("epoch-0001.json", "epoch-0001.zip", "epoch-0002.json", "epoch-0002.zip"),
                names(store.dir().toString() + "/checkpoints"));
    }

    @Test
    void truncatedOrCorruptCheckpointsAreReportedAndSkipped() throws Exception {
        RunStore store = newRun(freshParent());
        ComputationGraph net = TinyGraphs.trained(8, 2);
        epoch(store, net, 1, 0.5);
        float[] first = TinyGraphs.params(net);
        epoch(store, net, 2, 0.4);
        epoch(store, net, 3, 0.3);
        String dir = store.dir().toString();
        truncate(dir + "/checkpoints/epoch-0003.zip");
        flipOneByte(dir + "/checkpoints/epoch-0002.zip");

        try (CapturedLog log = new CapturedLog(RunStore.class)) {
            RunStore.Loaded loaded = store.loadLatestGood().orElseThrow();
            assertEquals(1, loaded.info().epoch());
            assertArrayEquals(first, TinyGraphs.params(loaded.net()));
            String warnings = String.join("\n", log.warnings());
            assertTrue(warnings.contains("epoch-0003.zip is truncated"), warnings);
            assertTrue(warnings.contains("epoch-0002.zip is corrupt: SHA-256"), warnings);
        }
        assertEquals(1, store.load("latest").info().epoch(), "`latest` falls back too");
        RunStoreException exact = assertThrows(RunStoreException.class, () -> store.load("epoch-3"));
        assertTrue(exact.getMessage().contains(dir + "/checkpoints/epoch-0003.zip is truncated"), exact.getMessage());
        assertTrue(assertThrows(RunStoreException.class, () -> store.load("epoch-2")).getMessage().contains("corrupt"));

        // nothing good left: an error that lists every fault, never a silent fresh start
        flipOneByte(dir + "/checkpoints/epoch-0001.zip");
        RunStoreException none = assertThrows(RunStoreException.class, store::loadLatestGood);
        assertTrue(none.getMessage().contains("no good checkpoint"), none.getMessage());
        assertTrue(none.getMessage().contains("epoch-0001.zip is corrupt"), none.getMessage());
    }

    @Test
    void aCheckpointWhoseFileVanishedIsSkipped() throws Exception {
        RunStore store = newRun(freshParent());
        assertTrue(store.loadLatestGood().isEmpty(), "a run without checkpoints has nothing to resume");
        ComputationGraph net = TinyGraphs.trained(9, 2);
        epoch(store, net, 1, 0.5);
        epoch(store, net, 2, 0.4);
        fs(store.dir().toString()).delete(new Path(store.dir(), "checkpoints/epoch-0002.zip"), false);
        try (CapturedLog log = new CapturedLog(RunStore.class)) {
            assertEquals(1, store.loadLatestGood().orElseThrow().info().epoch());
            assertTrue(log.warnings().stream().anyMatch(w -> w.contains("epoch-0002.zip is missing")), log.warnings().toString());
        }
    }

    @Test
    void aZipThatMatchesItsChecksumButIsNoModelIsSkipped() throws Exception {
        RunStore store = newRun(freshParent());
        ComputationGraph net = TinyGraphs.trained(10, 2);
        epoch(store, net, 1, 0.5);
        CheckpointInfo second = epoch(store, net, 2, 0.4);
        // a file whose manifest entry agrees with it, but that DL4J cannot read (e.g. from a broken writer)
        byte[] junk = "not a zip at all".getBytes();
        write(store.dir() + "/" + second.file(), junk);
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(junk));
        List<CheckpointInfo> entries = new ArrayList<>(store.manifest());
        CheckpointInfo e = entries.get(1);
        entries.set(1, new CheckpointInfo(e.epoch(), e.iteration(), e.file(), sha, junk.length, e.time(), e.metrics(), e.state()));
        store.writeJson("manifest.json", Map.of("run", store.id(), "checkpoints", entries));

        assertEquals(1, store.loadLatestGood().orElseThrow().info().epoch());
        RunStoreException ex = assertThrows(RunStoreException.class, () -> store.load("epoch-2"));
        assertTrue(ex.getMessage().contains("epoch-0002.zip cannot be read as a DL4J model"), ex.getMessage());
    }

    @Test
    void retentionKeepsTheLastKAndTheBest() throws Exception {
        RunStore store = newRun(freshParent()).withRetention(new RetentionPolicy(2, true));
        ComputationGraph net = TinyGraphs.trained(11, 1);
        double[] top1 = {0.5, 0.2, 0.4, 0.3, 0.35};
        for (int e = 1; e <= top1.length; e++) {
            epoch(store, net, e, top1[e - 1]);
        }
        assertEquals(List.of(2, 4, 5), store.manifest().stream().map(CheckpointInfo::epoch).toList(),
                "last two (4, 5) and the best top-1 error (2)");
        assertEquals(List.of("epoch-0002.json", "epoch-0002.zip", "epoch-0004.json", "epoch-0004.zip",
                "epoch-0005.json", "epoch-0005.zip"), names(store.dir() + "/checkpoints"));
        assertEquals(2, store.load("epoch-2").info().epoch(), "the kept best still verifies and loads");

        // without keep-best only the last K stay; a later, better checkpoint becomes the best
        RunStore lastOnly = store.withRetention(new RetentionPolicy(2, false));
        epoch(lastOnly, net, 6, 0.1);
        assertEquals(List.of(5, 6), lastOnly.manifest().stream().map(CheckpointInfo::epoch).toList());
        assertEquals(List.of("epoch-0005.json", "epoch-0005.zip", "epoch-0006.json", "epoch-0006.zip"),
                names(store.dir() + "/checkpoints"));

        // keep-last 0 keeps everything
        RunStore all = newRun(freshParent()).withRetention(new RetentionPolicy(0, false));
        for (int e = 1; e <= 3; e++) {
            epoch(all, net, e, 0.5);
        }
        assertEquals(3, all.manifest().size());
    }

    @Test
    void nothingOutsideTheRunDirectoryIsTouched() throws Exception {
        String parent = freshParent();
        FileSystem fs = fs(parent);
        // a neighbouring run with the same layout, and a file beside the runs
        RunStore neighbour = newRun(parent);
        ComputationGraph net = TinyGraphs.trained(12, 1);
        epoch(neighbour, net, 1, 0.9);
        write(parent + "/notes.txt", "keep me".getBytes());
        Map<String, String> before = snapshot(fs, new Path(parent));

        RunStore store = newRun(parent).withRetention(new RetentionPolicy(1, false));
        epoch(store, net, 1, 0.5);
        // a manifest entry that points out of the run directory (hand-edited or hostile) is never followed
        List<CheckpointInfo> entries = new ArrayList<>(store.manifest());
        String outside = "../" + neighbour.id() + "/checkpoints/epoch-0001.zip";
        entries.add(0, new CheckpointInfo(0, 0, outside, "00", 1, "t", Map.of(), null));
        store.writeJson("manifest.json", Map.of("run", store.id(), "checkpoints", entries));
        epoch(store, net, 2, 0.4); // retention drops epochs 0 and 1
        epoch(store, net, 3, 0.3);
        assertEquals(List.of(3), store.manifest().stream().map(CheckpointInfo::epoch).toList());
        assertThrows(RunStoreException.class, () -> store.readFile(outside));
        assertThrows(RunStoreException.class, () -> store.writeJson("../escape.json", Map.of()));

        Map<String, String> after = snapshot(fs, new Path(parent));
        after.keySet().removeIf(p -> p.startsWith(store.dir().toString() + "/"));
        assertEquals(before, after, "files outside the run directory");
        assertEquals(1, neighbour.loadLatestGood().orElseThrow().info().epoch());
    }

    @Test
    void concurrentCreatesNeverShareNestOrOverwriteARunDirectory() throws Exception {
        String parent = freshParent();
        int runs = 6;
        ExecutorService pool = Executors.newFixedThreadPool(runs);
        CountDownLatch start = new CountDownLatch(1);
        AtomicInteger next = new AtomicInteger();
        List<Future<RunStore>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < runs; i++) {
                int me = i;
                // every creator first tries the same id, as two runs started in the same second with the same draw
                futures.add(pool.submit(() -> {
                    boolean[] first = {true};
                    start.await();
                    return RunStore.create(parent, conf(), () -> {
                        if (first[0]) {
                            first[0] = false;
                            return "tiny-same";
                        }
                        return "tiny-" + me + "-" + next.incrementAndGet();
                    });
                }));
            }
            start.countDown();
            List<String> dirs = new ArrayList<>();
            for (Future<RunStore> f : futures) {
                dirs.add(f.get().dir().toString());
            }
            assertEquals(runs, dirs.stream().distinct().count(), "distinct run directories: " + dirs);
            assertEquals(1, dirs.stream().filter(d -> d.endsWith("/tiny-same")).count(), "exactly one got the contested id");
            FileSystem fs = fs(parent);
            for (String d : dirs) {
                assertEquals(fs.makeQualified(new Path(parent)), new Path(d).getParent(), "a direct child of the parent");
                assertEquals(List.of(RunLayout.CLAIM, "checkpoints"), names(d), "nothing nested in " + d);
            }
        } finally {
            pool.shutdownNow();
        }

        // an existing directory (another tool's, or an old run) is never taken over
        fs(parent).mkdirs(new Path(parent, "taken"));
        RunStore fresh = RunStore.create(parent, conf(), new java.util.ArrayDeque<>(List.of("taken", "tiny-free"))::pop);
        assertTrue(fresh.dir().toString().endsWith("/tiny-free"));
        assertEquals(List.of(), names(parent + "/taken"));

        // the public factory: two runs of the same name get different ids
        assertNotEquals(RunStore.create(parent, "tiny", conf()).dir(), RunStore.create(parent, "tiny", conf()).dir());
    }

    @Test
    void resumingWritesIntoTheSameRunAndSupersedesAbandonedEpochs() throws Exception {
        String parent = freshParent();
        RunStore store = newRun(parent);
        ComputationGraph net = TinyGraphs.trained(13, 1);
        for (int e = 1; e <= 4; e++) {
            epoch(store, net, e, 0.5);
        }
        String dir = store.dir().toString();
        truncate(dir + "/checkpoints/epoch-0004.zip"); // the driver died while epoch 4 was being written...
        flipOneByte(dir + "/checkpoints/epoch-0003.zip"); // ...and epoch 3 rotted on disk

        RunStore resumed = RunStore.open(dir, conf());
        RunStore.Loaded from = resumed.loadLatestGood().orElseThrow();
        assertEquals(2, from.info().epoch());
        ComputationGraph continued = from.net();
        CheckpointInfo third = epoch(resumed, continued, from.state().nextEpoch(), 0.3);

        assertEquals(List.of(1, 2, 3), resumed.manifest().stream().map(CheckpointInfo::epoch).toList(),
                "epoch 3 rewritten, the abandoned epoch 4 dropped");
        assertEquals(third.sha256(), resumed.load("latest").info().sha256());
        assertFalse(fs(dir).exists(new Path(dir, "checkpoints/epoch-0004.zip")));
        assertFalse(fs(dir).exists(new Path(dir, "checkpoints/epoch-0004.json")));
        assertEquals(List.of(RunLayout.CLAIM, "checkpoints", "config.conf", "manifest.json"), names(dir), "same run directory, nothing nested");
        assertEquals(List.of(store.id()), names(parent), "no new run directory");
    }

    @Test
    void metricsRoundTrip() {
        RunStore store = newRun(freshParent());
        assertEquals(List.of(), store.readMetrics());
        List<EpochMetrics> rows = List.of(
                EpochMetrics.fromJson(Map.of("epoch", 1, "top1_error", 0.5)),
                EpochMetrics.fromJson(Map.of("epoch", 2, "top1_error", 0.25)));
        store.writeMetrics(rows);
        assertEquals(rows, store.readMetrics());
        assertEquals(List.of(Map.of("epoch", 1, "top1_error", 0.5), Map.of("epoch", 2, "top1_error", 0.25)),
                store.readMetrics().stream().map(EpochMetrics::toJson).toList(), "the lines hold what was written, no more");
    }

    // --- helpers -------------------------------------------------------------------------------------------

    List<String> names(String location) throws IOException {
        List<String> out = new ArrayList<>();
        for (FileStatus s : fs(location).listStatus(new Path(location))) {
            out.add(s.getPath().getName());
        }
        out.sort(null);
        return out;
    }

    void write(String location, byte[] bytes) throws IOException {
        try (OutputStream out = fs(location).create(new Path(location), true)) {
            out.write(bytes);
        }
    }

    byte[] read(String location) throws IOException {
        try (InputStream in = fs(location).open(new Path(location))) {
            return in.readAllBytes();
        }
    }

    void truncate(String location) throws IOException {
        byte[] b = read(location);
        write(location, Arrays.copyOf(b, b.length / 2));
    }

    void flipOneByte(String location) throws IOException {
        byte[] b = read(location);
        b[b.length / 2] ^= 0x40;
        write(location, b);
    }

    /** Every file under a directory with its size and content hash. */
    Map<String, String> snapshot(FileSystem fs, Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
        while (it.hasNext()) {
            LocatedFileStatus s = it.next();
            try {
                out.put(s.getPath().toString(), s.getLen() + ":" + HexFormat.of().formatHex(
                        MessageDigest.getInstance("SHA-256").digest(read(s.getPath().toString()))));
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    private static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    static UncheckedIOException writeFails(RunStore store, ComputationGraph net, int epoch) {
        return assertThrows(UncheckedIOException.class, () -> epoch(store, net, epoch, 0.1));
    }
}
