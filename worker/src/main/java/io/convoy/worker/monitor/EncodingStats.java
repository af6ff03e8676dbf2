package io.convoy.worker.monitor;

import java.io.Serializable;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What gradient sharing sent from this JVM: one entry per encoded update message, counted by
 * {@link RecordingThresholdAlgorithm}. JVM-wide (every worker thread of an executor adds here);
 * {@link #drain()} hands the counts to the driver's per-epoch probe and starts over.
 *
 * <p>Message sizes follow ND4J's two encodings: a sparse message holds one 32-bit integer per value above the
 * threshold; a dense (bitmap) message two bits per parameter, {@code length / 16 + 5} integers.
 */
public final class EncodingStats implements Serializable {
    private static final long serialVersionUID = 1L;

    private static final AtomicLong MESSAGES = new AtomicLong();
    private static final AtomicLong DENSE_MESSAGES = new AtomicLong();
    private static final AtomicLong ENCODED_BYTES = new AtomicLong();
    private static final AtomicLong DENSE_FP32_BYTES = new AtomicLong();

    private final long messages;
    private final long denseMessages;
    private final long encodedBytes;
    private final long fp32Bytes;

    public EncodingStats(long messages, long denseMessages, long encodedBytes, long fp32Bytes) {
        this.messages = messages;
        this.denseMessages = denseMessages;
        this.encodedBytes = encodedBytes;
        this.fp32Bytes = fp32Bytes;
    }

    /** Records one message of an update vector of {@code length} values. */
    static void record(long length, boolean dense, double sparsityRatio) {
        long ints = dense ? length / 16 + 5 : Math.round(sparsityRatio * length);
        MESSAGES.incrementAndGet();
        if (dense) {
            DENSE_MESSAGES.incrementAndGet();
        }
        ENCODED_BYTES.addAndGet(4 * ints);
        DENSE_FP32_BYTES.addAndGet(4 * length);
    }

    /** This JVM's counts since the last drain, and resets them. */
    public static EncodingStats drain() {
        return new EncodingStats(MESSAGES.getAndSet(0), DENSE_MESSAGES.getAndSet(0), ENCODED_BYTES.getAndSet(0),
                DENSE_FP32_BYTES.getAndSet(0));
    }

    public EncodingStats plus(EncodingStats o) {
        return new EncodingStats(messages + o.messages, denseMessages + o.denseMessages, encodedBytes + o.encodedBytes,
                fp32Bytes + o.fp32Bytes);
    }

    public long messages() {
        return messages;
    }

    /** Messages sent as a bitmap (updates denser than 1/16). */
    public long denseMessages() {
        return denseMessages;
    }

    public long encodedBytes() {
        return encodedBytes;
    }

    /** Encoded bytes over the bytes of the same updates sent as plain float32: what sharing saves. */
    public double encodedFraction() {
        return fp32Bytes == 0 ? Double.NaN : (double) encodedBytes / fp32Bytes;
    }

    /** Mean encoded bytes per message (per worker per iteration). */
    public double bytesPerMessage() {
        return messages == 0 ? Double.NaN : (double) encodedBytes / messages;
    }
}
