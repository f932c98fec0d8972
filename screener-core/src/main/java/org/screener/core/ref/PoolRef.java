package org.screener.core.ref;

import org.screener.core.ConvParams;

/** Plain average and max pooling in double. */
public final class PoolRef {
    private PoolRef() {}

    public static void avgForward(ConvParams p, double[] x, double[] y) {
        throw new UnsupportedOperationException("PoolRef.avgForward is not implemented yet");
    }

    public static void avgBackward(ConvParams p, double[] gy, double[] gx) {
        throw new UnsupportedOperationException("PoolRef.avgBackward is not implemented yet");
    }

    public static void maxForward(ConvParams p, double[] x, double[] y) {
        throw new UnsupportedOperationException("PoolRef.maxForward is not implemented yet");
    }

    public static void maxBackward(ConvParams p, double[] x, double[] gy, double[] gx) {
        throw new UnsupportedOperationException("PoolRef.maxBackward is not implemented yet");
    }
}
