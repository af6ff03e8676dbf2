package io.convoy.worker.predict;

import io.convoy.worker.batch.CorruptRecords;
import io.convoy.worker.batch.Decoding;
import io.convoy.worker.data.HadoopConf;
import io.convoy.worker.data.ImageRecord;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.folder.ImageFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * Runs in a Spark task: reads image files from any Hadoop file system and prepares them for the network; a file
 * that cannot be read or decoded is skipped with a warning naming it, within the budget of {@code bad}.
 */
public final class ImageFileInputs implements FlatMapFunction<Iterator<ImageFile>, PredictionInput> {
    private static final long serialVersionUID = 1L;

    private final ImagePreparation preparation;
    private final CorruptRecords bad;
    private final HadoopConf conf;

    public ImageFileInputs(ImagePreparation preparation, CorruptRecords bad, HadoopConf conf) {
        this.preparation = preparation;
        this.bad = bad;
        this.conf = conf;
    }

    @Override
    public Iterator<PredictionInput> call(Iterator<ImageFile> files) {
        return new Decoding<>(files, f -> new PredictionInput(f.path(),
                new ImageRecord(f.id(), -1, preparation.prepare(read(f)))), (f, e, n) -> bad.skip(f.path(), e, n));
    }

    private byte[] read(ImageFile f) {
        Path p = new Path(f.path());
        try {
            FileSystem fs = p.getFileSystem(conf.get());
            try (InputStream in = fs.open(p)) {
                return in.readAllBytes();
            }
        } catch (IOException e) {
            throw new InvalidDataException("cannot read: " + e.getMessage(), e);
        }
    }
}
