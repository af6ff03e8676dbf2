package io.convoy.zoo.fast;

/**
 * Which of Convoy's training-speed levers the zoo's builders use, one switch each, all on by default because
 * each measured faster (BENCHMARKS.md, "The fast path"): cache mode, FastBatchNorm, BatchNorm with the ReLU
 * after it fused in, the residual add + ReLU as one vertex, the one-pass option-A shortcut. (The two fused
 * ReLUs measured ~10 % slower until their loops ran branch-free over float arrays: a mispredicted branch per
 * element had made the backward pass five times slower than DL4J's vectorised ReLU.) A switch is a JVM system
 * property read when a graph is built, so a benchmark can measure each lever alone
 * ({@code -Dconvoy.fast.batchnorm=false}, or {@code convoy bench-train --against}); a built configuration
 * carries its choice with it (checkpoints keep the layers they were trained with).
 */
public final class FastPath {
    /** DL4J CacheMode.DEVICE on the graph: convolutions keep their forward output for backward. */
    public static final String CACHE_MODE = "convoy.fast.cache-mode";
    /** {@link FastBatchNorm} instead of DL4J's BatchNormalization. */
    public static final String BATCHNORM = "convoy.fast.batchnorm";
    /** BatchNorm followed by ReLU as one {@link FastBatchNorm} with relu (needs {@link #BATCHNORM}). */
    public static final String FUSE_RELU = "convoy.fast.fuse-relu";
    /** A residual addition followed by ReLU as one {@link AddReluVertex}. */
    public static final String ADD_RELU = "convoy.fast.add-relu";

    /** The option-A shortcut (subsample + zero channels) as one {@link ZeroPadShortcutVertex}. */
    public static final String ZERO_PAD_SHORTCUT = "convoy.fast.zero-pad-shortcut";

    private FastPath() {
    }

    public static boolean cacheMode() {
        return on(CACHE_MODE);
    }

    public static boolean batchNorm() {
        return on(BATCHNORM);
    }

    public static boolean fuseRelu() {
        return batchNorm() && on(FUSE_RELU);
    }

    public static boolean zeroPadShortcut() {
        return on(ZERO_PAD_SHORTCUT);
    }

    public static boolean addRelu() {
        return on(ADD_RELU);
    }

    private static boolean on(String key) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            return true;
        }
        return switch (v.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException("system property " + key + " must be true or false, got '" + v + "'");
        };
    }
}
