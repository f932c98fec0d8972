package org.screener.core.cpu;

/** Nearest and trilinear resizing on float arrays. */
public final class UpsampleCpu {
    private UpsampleCpu() {}

    public static void forward(boolean trilinear, float[] x, int[] inShape, float[] y, int[] outShape) {
        throw new UnsupportedOperationException("UpsampleCpu.forward is not implemented yet");
    }

    public static void backward(boolean trilinear, float[] gy, int[] outShape, float[] gx, int[] inShape) {
        throw new UnsupportedOperationException("UpsampleCpu.backward is not implemented yet");
    }
}
