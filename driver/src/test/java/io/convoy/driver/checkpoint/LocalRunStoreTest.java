package io.convoy.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The run store contract on the local file system (file:// URIs). */
class LocalRunStoreTest extends RunStoreContract {
    private static final AtomicInteger PARENTS = new AtomicInteger();
    private final Configuration conf = new Configuration();

    @TempDir
    Path tmp;

    @Test
    void opensARunGivenAsAPlainPathWithOrWithoutATrailingSlash() {
        RunStore store = newRun(tmp.resolve("plain").toString());
        ComputationGraph net = TinyGraphs.trained(5, 1);
        CheckpointInfo info = epoch(store, net, 1, 0.5);
        String plain = java.nio.file.Path.of(store.dir().toUri()).toString();
        for (String location : List.of(plain, plain + "/")) {
            RunStore opened = RunStore.open(location, conf);
            assertEquals(store.dir(), opened.dir());
            assertEquals(store.id(), opened.id());
            assertEquals(info, opened.loadLatestGood().orElseThrow().info());
        }
    }

    /** Records that Java deserialization ran its readObject: what a gadget chain would start from. */
    static final class Tripwire implements java.io.Serializable {
        private static final long serialVersionUID = 1L;
        static volatile boolean deserialized;

        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            deserialized = true;
        }
    }

    @Test
    void aCheckpointWithAnEntryDl4jWouldJavaDeserializeIsRefusedEvenWhenItsChecksumMatches() throws Exception {
        RunStore store = newRun(tmp.resolve("tampered").toString());
        ComputationGraph net = TinyGraphs.trained(7, 1);
        epoch(store, net, 1, 0.5);
        CheckpointInfo second = epoch(store, net, 2, 0.4);
        String zip = store.dir() + "/" + second.file();
        // whoever can write the run directory can rewrite the manifest too: the checksum matches the tampered file
        java.io.ByteArrayOutputStream tampered = new java.io.ByteArrayOutputStream();
        try (var in = new java.util.zip.ZipInputStream(new java.io.ByteArrayInputStream(read(zip)));
             var out = new java.util.zip.ZipOutputStream(tampered)) {
            for (java.util.zip.ZipEntry e; (e = in.getNextEntry()) != null; ) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(in.readAllBytes());
            }
            out.putNextEntry(new java.util.zip.ZipEntry("preprocessor.bin"));
            java.io.ByteArrayOutputStream object = new java.io.ByteArrayOutputStream();
            try (var oos = new java.io.ObjectOutputStream(object)) {
                oos.writeObject(new Tripwire());
            }
            out.write(object.toByteArray());
        }
        byte[] bytes = tampered.toByteArray();
        write(zip, bytes);
        String sha = java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
        List<CheckpointInfo> entries = new java.util.ArrayList<>(store.manifest());
        CheckpointInfo e = entries.get(1);
        entries.set(1, new CheckpointInfo(e.epoch(), e.iteration(), e.file(), sha, bytes.length, e.time(), e.metrics(), e.state()));
        store.writeJson("manifest.json", java.util.Map.of("run", store.id(), "checkpoints", entries));

        Tripwire.deserialized = false;
        RunStoreException refused = org.junit.jupiter.api.Assertions.assertThrows(RunStoreException.class,
                () -> store.load("epoch-2"));
        org.junit.jupiter.api.Assertions.assertTrue(refused.getMessage().contains("'preprocessor.bin'"), refused.getMessage());
        assertEquals(1, store.loadLatestGood().orElseThrow().info().epoch(), "falls back to the good checkpoint");
        org.junit.jupiter.api.Assertions.assertFalse(Tripwire.deserialized, "nothing was deserialized");

        // what the check prevents: DL4J's own reader runs Java deserialization on that entry
        try (var in = new java.io.ByteArrayInputStream(bytes)) {
            org.deeplearning4j.util.ModelSerializer.restoreComputationGraph(in, true);
        } catch (RuntimeException castFails) {
            // a Tripwire is no DataSetPreProcessor; its readObject ran before the cast
        }
        org.junit.jupiter.api.Assertions.assertTrue(Tripwire.deserialized, "DL4J deserializes preprocessor.bin");
    }

    @Override
    String freshParent() {
        return tmp.resolve("runs-" + PARENTS.incrementAndGet()).toUri().toString();
    }

    @Override
    Configuration conf() {
        return conf;
    }
}
