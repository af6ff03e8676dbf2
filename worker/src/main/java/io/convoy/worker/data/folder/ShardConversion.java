package io.convoy.worker.data.folder;

import io.convoy.worker.data.HadoopConf;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.image.DecodedImage;
import io.convoy.worker.data.image.ImageDecoder;
import io.convoy.worker.data.shard.ShardFormat;
import io.convoy.worker.data.shard.ShardSummary;
import io.convoy.worker.data.shard.ShardWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs in a Spark task: reads the image files of one shard plan, decodes each (to check it and to add
 * its pixels to the channel statistics), and writes the readable ones' original bytes to the shard.
 * A file that cannot be decoded is skipped with a warning naming it.
 */
public final class ShardConversion implements Function<ShardPlan, ShardResult> {
    private static final long serialVersionUID = 1L;
    private static final Logger log = LoggerFactory.getLogger(ShardConversion.class);

    private final HadoopConf conf;

    public ShardConversion(HadoopConf conf) {
        this.conf = conf;
    }

    @Override
    public ShardResult call(ShardPlan plan) throws IOException {
        Configuration c = conf.get();
        long[] sum = new long[DecodedImage.CHANNELS];
        long[] sumSq = new long[DecodedImage.CHANNELS];
        long[] pixels = new long[1];
        List<String> skipped = new ArrayList<>();
        Iterable<ShardWriter.Entry> entries = () -> new Iterator<>() {
            private final Iterator<ImageFile> files = plan.files().iterator();
            private ShardWriter.Entry next;

            @Override
            public boolean hasNext() {
                while (next == null && files.hasNext()) {
                    ImageFile f = files.next();
                    byte[] bytes = read(f, c);
                    try {
                        DecodedImage img = ImageDecoder.decode(bytes);
                        addStatistics(img, sum, sumSq);
                        pixels[0] += (long) img.height() * img.width();
                        next = new ShardWriter.Entry(f.id(), f.label(), bytes);
                    } catch (InvalidDataException e) {
                        String why = f.path() + ": " + e.getMessage();
                        log.warn("skipping unreadable image {}", why);
                        skipped.add(why);
                    }
                }
                return next != null;
            }

            @Override
            public ShardWriter.Entry next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ShardWriter.Entry e = next;
                next = null;
                return e;
            }
        };
        String name = ShardFormat.fileName(plan.index());
        ShardSummary summary = ShardWriter.write(entries, new Path(plan.outputDir(), name), plan.split() + "/" + name, c);
        return new ShardResult(plan.split(), plan.index(), summary, sum, sumSq, pixels[0], skipped);
    }

    private static byte[] read(ImageFile f, Configuration c) {
        Path p = new Path(f.path());
        try {
            FileSystem fs = p.getFileSystem(c);
            try (InputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + f.path(), e);
        }
    }

    static void addStatistics(DecodedImage img, long[] sum, long[] sumSq) {
        int plane = img.height() * img.width();
        byte[] px = img.chw();
        for (int ch = 0; ch < DecodedImage.CHANNELS; ch++) {
            long s = 0;
            long sq = 0;
            for (int i = ch * plane, end = i + plane; i < end; i++) {
                int v = px[i] & 0xff;
                s += v;
                sq += (long) v * v;
            }
            sum[ch] += s;
            sumSq[ch] += sq;
        }
    }
}
