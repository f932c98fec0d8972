package org.screener.core.ref;

/** Plain nearest and trilinear resizing in double. */
public final class UpsampleRef {
    private UpsampleRef() {}

    public static void forward(boolean trilinear, double[] x, int[] inShape, double[] y, int[] outShape) {
        throw new UnsupportedOperationException("UpsampleRef.forward is not implemented yet");
    }

    public static void backward(boolean trilinear, double[] gy, int[] outShape, double[] gx, int[] inShape) {
        throw new UnsupportedOperationException("UpsampleRef.backward is not implemented yet");
    }
}
