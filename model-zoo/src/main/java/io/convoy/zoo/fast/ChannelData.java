package io.convoy.zoo.fast;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Element access to the native buffer of a c-ordered, non-view NDArray, as float or double. The kernels
 * read and write through this so one loop serves training (float) and gradient checks (double); the
 * JIT sees at most two receiver classes at each call site and inlines both.
 */
abstract sealed class ChannelData permits ChannelData.Floats, ChannelData.Doubles {
    abstract double get(int i);

    abstract void set(int i, double v);

    /** True when {@link #of} can wrap the array without a copy. */
    static boolean wrappable(INDArray a) {
        return !a.isView() && a.data().offset() == 0 && a.length() < Integer.MAX_VALUE && denseRowMajor(a);
    }

    /** Strides of a dense row-major layout; a dimension of size 1 may carry any stride. */
    private static boolean denseRowMajor(INDArray a) {
        long[] shape = a.shape();
        long[] stride = a.stride();
        long expected = 1;
        for (int d = shape.length - 1; d >= 0; d--) {
            if (shape[d] != 1 && stride[d] != expected) {
                return false;
            }
            expected *= shape[d];
        }
        return true;
    }

    /** The array itself when it can be wrapped, else a c-ordered copy. */
    static INDArray contiguous(INDArray a) {
        return wrappable(a) ? a : a.dup('c');
    }

    static ChannelData of(INDArray a) {
        if (!wrappable(a)) {
            throw new IllegalArgumentException("expected a c-ordered array that is not a view, got " + a.shapeInfoToString());
        }
        if (a.dataType() == DataType.FLOAT) {
            return new Floats(a.data().asNioFloat());
        }
        if (a.dataType() == DataType.DOUBLE) {
            return new Doubles(a.data().asNioDouble());
        }
        throw new IllegalArgumentException("fast layers support FLOAT and DOUBLE, got " + a.dataType());
    }

    static final class Floats extends ChannelData {
        private final FloatBuffer b;

        Floats(FloatBuffer b) {
            this.b = b;
        }

        /** Copies len elements from index into dst (a memory copy: the buffer is in native order). */
        void load(int index, float[] dst, int len) {
            b.get(index, dst, 0, len);
        }

        /** Copies len elements of src to index. */
        void store(int index, float[] src, int len) {
            b.put(index, src, 0, len);
        }

        @Override
        double get(int i) {
            return b.get(i);
        }

        @Override
        void set(int i, double v) {
            b.put(i, (float) v);
        }
    }

    static final class Doubles extends ChannelData {
        private final DoubleBuffer b;

        Doubles(DoubleBuffer b) {
            this.b = b;
        }

        @Override
        double get(int i) {
            return b.get(i);
        }

        @Override
        void set(int i, double v) {
            b.put(i, v);
        }
    }
}
