package io.convoy.worker.batch;

import io.convoy.worker.data.InvalidDataException;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Lazily decodes the items of a task's partition, handing each one that is corrupt ({@link InvalidDataException})
 * to {@code skip} with the count of corrupt items so far in this task; {@code skip} warns, reports and throws when
 * the budget is spent (see {@link CorruptRecords}).
 *
 * @param <I> what the partition holds (shard records, image files)
 * @param <O> what the decoder makes of it
 */
public final class Decoding<I, O> implements Iterator<O> {
    /** Decodes one item or throws {@link InvalidDataException}. */
    public interface Decode<I, O> extends java.io.Serializable {
        O apply(I item);
    }

    /** Called per corrupt item; {@code seenInTask} counts this one. */
    public interface Skip<I> extends java.io.Serializable {
        void skip(I item, InvalidDataException e, int seenInTask);
    }

    private final Iterator<I> in;
    private final Decode<I, O> decode;
    private final Skip<I> skip;
    private O next;
    private int bad;

    public Decoding(Iterator<I> in, Decode<I, O> decode, Skip<I> skip) {
        this.in = in;
        this.decode = decode;
        this.skip = skip;
    }

    @Override
    public boolean hasNext() {
        while (next == null && in.hasNext()) {
            I item = in.next();
            try {
                next = decode.apply(item);
            } catch (InvalidDataException e) {
                skip.skip(item, e, ++bad);
            }
        }
        return next != null;
    }

    @Override
    public O next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        O r = next;
        next = null;
        return r;
    }
}
