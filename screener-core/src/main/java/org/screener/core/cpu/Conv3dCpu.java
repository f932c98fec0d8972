package org.screener.core.cpu;

import org.screener.core.ConvParams;

/** Fast 3D convolution on float arrays (NCDHW), forward and both backward passes. */
public final class Conv3dCpu {
    private Conv3dCpu() {}

    public static void forward(ConvParams p, float[] x, float[] w, float[] bias, float[] y) {
        throw new UnsupportedOperationException("Conv3dCpu.forward is not implemented yet");
    }

    public static void backwardData(ConvParams p, float[] gy, float[] w, float[] gx) {
        throw new UnsupportedOperationException("Conv3dCpu.backwardData is not implemented yet");
    }

    public static void backwardWeight(ConvParams p, float[] x, float[] gy, float[] gw, float[] gb) {
        throw new UnsupportedOperationException("Conv3dCpu.backwardWeight is not implemented yet");
    }
}
