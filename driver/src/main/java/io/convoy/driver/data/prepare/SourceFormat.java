package io.convoy.driver.data.prepare;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The inputs {@code prepare-data} reads. */
public enum SourceFormat {
    /** data_batch_1..5.bin and test_batch.bin (optionally batches.meta.txt with the class names) */
    CIFAR10("cifar10"),
    /** train.bin and test.bin with a coarse and a fine label byte (optionally fine/coarse_label_names.txt) */
    CIFAR100("cifar100"),
    /** train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-images-idx3-ubyte, t10k-labels-idx1-ubyte (or .gz) */
    MNIST("mnist"),
    /** train/&lt;class&gt;/*.{JPEG,jpg,png} and val/ as class folders or flat with a labels CSV */
    FOLDERS("folders");

    private final String cliName;

    SourceFormat(String cliName) {
        this.cliName = cliName;
    }

    public String cliName() {
        return cliName;
    }

    public static SourceFormat parse(String s) {
        for (SourceFormat f : values()) {
            if (f.cliName.equals(s.toLowerCase(Locale.ROOT))) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown source '" + s + "', expected one of "
                + Arrays.stream(values()).map(SourceFormat::cliName).collect(Collectors.joining(", ")));
    }
}
