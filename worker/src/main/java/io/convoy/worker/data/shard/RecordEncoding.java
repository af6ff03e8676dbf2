package io.convoy.worker.data.shard;

import java.util.Locale;

/**
 * How a shard record's image bytes are stored, named in the manifest.
 * RAW: 8-bit pixels in channels-height-width order, every record the manifest's shape (CIFAR, MNIST:
 * their sources are raw pixels already; a 3 KB record decodes by copying, and compressing them would
 * save little and cost decode time in every epoch). IMAGE: the source file's bytes unchanged (JPEG or
 * PNG, any size; ImageNet: re-encoding would lose quality and the files are compressed already).
 */
public enum RecordEncoding {
    RAW("raw-u8-chw"), IMAGE("image-file");

    private final String manifestName;

    RecordEncoding(String manifestName) {
        this.manifestName = manifestName;
    }

    public String manifestName() {
        return manifestName;
    }

    public static RecordEncoding fromManifest(String name) {
        for (RecordEncoding e : values()) {
            if (e.manifestName.equals(name.toLowerCase(Locale.ROOT))) {
                return e;
            }
        }
        throw new IllegalArgumentException("unknown record encoding '" + name + "', expected raw-u8-chw or image-file");
    }
}
