package io.convoy.driver.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code metrics.jsonl}: one {@link EpochMetrics} per line, as a JSON object, oldest epoch first. */
final class MetricsLog {
    private static final Logger log = LoggerFactory.getLogger(MetricsLog.class);
    /** One object per line. */
    private static final ObjectMapper JSON_LINE = new ObjectMapper();

    private final AtomicFiles files;
    private final Path path;

    MetricsLog(AtomicFiles files, Path path) {
        this.files = files;
        this.path = path;
    }

    /** Rewrites the whole file. */
    void write(List<EpochMetrics> rows) {
        StringBuilder sb = new StringBuilder();
        try {
            for (EpochMetrics r : rows) {
                sb.append(JSON_LINE.writeValueAsString(r.toJson())).append('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.write(path, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The rows, oldest first; none when there is no file yet. A line that is not a metrics object is left out with a warning. */
    List<EpochMetrics> read() {
        List<EpochMetrics> rows = new ArrayList<>();
        try {
            if (!files.fs().exists(path)) {
                return rows;
            }
        } catch (IOException e) {
            throw new RunStoreException(path + " is unreadable: " + e.getMessage(), e);
        }
        int line = 0;
        for (String l : new String(files.read(path), StandardCharsets.UTF_8).split("\n")) {
            line++;
            if (l.isBlank()) {
                continue;
            }
            try {
                rows.add(EpochMetrics.fromJson(JSON_LINE.readValue(l, new TypeReference<LinkedHashMap<String, Object>>() { })));
            } catch (IOException | IllegalArgumentException e) {
                log.warn("{} line {} is not a metrics object, left out: {}", path, line, e.getMessage());
            }
        }
        return rows;
    }
}
