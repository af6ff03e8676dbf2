package io.convoy.worker.data.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.BytesWritable;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.SequenceFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShardWriterTest {
    @TempDir
    java.nio.file.Path tmp;

    private static List<ShardWriter.Entry> entries(int n) {
        Random rng = new Random(5);
        List<ShardWriter.Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] payload = new byte[100 + rng.nextInt(3000)];
            rng.nextBytes(payload);
            out.add(new ShardWriter.Entry(1000 + i, i % 7, payload));
        }
        return out;
    }

    @Test
    void shardsAreHadoopSequenceFilesWithTheRecordsInOrder() throws Exception {
        Configuration conf = new Configuration();
        List<ShardWriter.Entry> in = entries(400); // ~620 KB: Hadoop 3 writes a sync marker every 100 KB
        Path target = new Path(tmp.resolve("part-00000.seq").toUri());
        ShardSummary s = ShardWriter.write(in, target, "train/part-00000.seq", conf);
        assertEquals(400, s.records());
        assertEquals(Files.size(tmp.resolve("part-00000.seq")), s.bytes());
        assertEquals(ShardReader.sha256(target, conf), s.sha256());
        assertFalse(Files.exists(tmp.resolve(".part-00000.seq.partial")));

        // Hadoop's own reader, with Hadoop's own classes (it checks every sync marker)
        try (SequenceFile.Reader r = new SequenceFile.Reader(conf, SequenceFile.Reader.file(target))) {
            LongWritable key = new LongWritable();
            BytesWritable value = new BytesWritable();
            int syncs = 0;
            for (ShardWriter.Entry e : in) {
                assertTrue(r.next(key, value));
                syncs += r.syncSeen() ? 1 : 0;
                assertEquals(e.id(), key.get());
                assertArrayEquals(ShardFormat.value(e.label(), e.payload()), value.copyBytes());
            }
            assertFalse(r.next(key, value));
            assertTrue(syncs >= 4, "sync markers inside the file: " + syncs);
        }
        // and Convoy's reader, with split positions continuing from firstIndex
        ShardReader reader = new ShardReader(target, 3, 500, conf);
        for (int i = 0; i < in.size(); i++) {
            ShardRecord r = reader.next();
            assertEquals(3, r.shard());
            assertEquals(500 + i, r.index());
            assertEquals(in.get(i).id(), r.id());
            assertEquals(in.get(i).label(), r.label());
            assertArrayEquals(in.get(i).payload(), r.payload());
        }
        assertFalse(reader.hasNext());
    }

    @Test
    void sameRecordsGiveTheSameBytes() throws Exception {
        Configuration conf = new Configuration();
        Path a = new Path(tmp.resolve("a.seq").toUri());
        Path b = new Path(tmp.resolve("b.seq").toUri());
        ShardSummary sa = ShardWriter.write(entries(300), a, "train/part-00001.seq", conf);
        Thread.sleep(5); // Hadoop's own marker would come from the clock
        ShardSummary sb = ShardWriter.write(entries(300), b, "train/part-00001.seq", conf);
        assertEquals(sa.sha256(), sb.sha256());
        assertArrayEquals(Files.readAllBytes(tmp.resolve("a.seq")), Files.readAllBytes(tmp.resolve("b.seq")));
    }
}
