package org.screener.core.cpu;

import org.screener.core.ConvParams;

/** Average and max pooling on float arrays. */
public final class PoolCpu {
    private PoolCpu() {}

    public static void avgForward(ConvParams p, float[] x, float[] y) {
        throw new UnsupportedOperationException("PoolCpu.avgForward is not implemented yet");
    }

    public static void avgBackward(ConvParams p, float[] gy, float[] gx) {
        throw new UnsupportedOperationException("PoolCpu.avgBackward is not implemented yet");
    }

    public static void maxForward(ConvParams p, float[] x, float[] y) {
        throw new UnsupportedOperationException("PoolCpu.maxForward is not implemented yet");
    }

    public static void maxBackward(ConvParams p, float[] x, float[] gy, float[] gx) {
        throw new UnsupportedOperationException("PoolCpu.maxBackward is not implemented yet");
    }
}
