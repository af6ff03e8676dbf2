package io.convoy.driver.data;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.convoy.worker.augment.Normalization;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.shard.RecordEncoding;
import io.convoy.zoo.InputShape;
import java.util.List;
import java.util.Map;

/**
 * {@code dataset.json}: what {@code prepare-data} wrote. Deterministic (no timestamps), so re-running
 * on the same input gives the same file.
 *
 * @param source   cifar10, cifar100, mnist or image-folders
 * @param encoding raw-u8-chw (every record {@code shape}) or image-file (the source JPEG/PNG bytes)
 * @param shape    channels, height, width; height and width are 0 for image files of varying size
 * @param mean     per channel, of the training split, on the [0, 1] pixel scale
 * @param splits   "train" and "test"
 * @param skipped  source files left out, each with the reason
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DatasetManifest(
        @JsonProperty("format") String format,
        @JsonProperty("version") int version,
        @JsonProperty("source") String source,
        @JsonProperty("encoding") String encoding,
        @JsonProperty("record_layout") String recordLayout,
        @JsonProperty("classes") List<String> classes,
        @JsonProperty("shape") Shape shape,
        @JsonProperty("mean") double[] mean,
        @JsonProperty("std") double[] std,
        @JsonProperty("splits") Map<String, Split> splits,
        @JsonProperty("skipped") List<String> skipped) {

    public static final String FILE = "dataset.json";
    public static final String FORMAT = "convoy-shards";
    public static final int VERSION = 1;
    public static final String RECORD_LAYOUT = "Hadoop SequenceFile, uncompressed; key LongWritable = record id;"
            + " value BytesWritable = int32 big-endian label, then the image bytes";
    public static final String TRAIN = "train";
    public static final String TEST = "test";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public record Shape(@JsonProperty("channels") int channels, @JsonProperty("height") int height,
                        @JsonProperty("width") int width) {
    }

    public record Split(@JsonProperty("records") long records, @JsonProperty("shards") List<Shard> shards) {
    }

    /** @param file relative to the dataset directory, e.g. train/part-00000.seq */
    public record Shard(@JsonProperty("file") String file, @JsonProperty("records") long records,
                        @JsonProperty("bytes") long bytes, @JsonProperty("sha256") String sha256) {
    }

    public RecordEncoding recordEncoding() {
        return RecordEncoding.fromManifest(encoding);
    }

    public Normalization normalization() {
        return new Normalization(mean, std);
    }

    /** The shape of every record of a RAW dataset (image files have no common shape). */
    public InputShape inputShape() {
        return new InputShape(shape.channels(), shape.height(), shape.width());
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** @param origin the file, for messages */
    public static DatasetManifest fromJson(String json, String origin) {
        DatasetManifest m;
        try {
            m = JSON.readValue(json, DatasetManifest.class);
        } catch (JsonProcessingException e) {
            throw new InvalidDataException(origin + ": not a Convoy dataset manifest: " + e.getOriginalMessage(), e);
        }
        if (!FORMAT.equals(m.format()) || m.version() != VERSION) {
            throw new InvalidDataException(origin + ": format " + m.format() + " version " + m.version()
                    + ", expected " + FORMAT + " version " + VERSION);
        }
        if (m.classes() == null || m.classes().size() < 2 || m.shape() == null || m.splits() == null
                || m.mean() == null || m.std() == null || !m.splits().containsKey(TRAIN) || !m.splits().containsKey(TEST)) {
            throw new InvalidDataException(origin + ": incomplete manifest: expected classes (at least 2), shape, mean,"
                    + " std and the splits train and test");
        }
        try {
            m.recordEncoding();
            m.normalization();
        } catch (IllegalArgumentException e) {
            throw new InvalidDataException(origin + ": " + e.getMessage(), e);
        }
        return m;
    }
}
