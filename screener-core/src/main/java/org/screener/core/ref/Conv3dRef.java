package org.screener.core.ref;

import org.screener.core.ConvParams;

/** Direct 3D convolution in double (seven nested loops): the definition the fast kernels are tested against. */
public final class Conv3dRef {
    private Conv3dRef() {}

    public static void forward(ConvParams p, double[] x, double[] w, double[] bias, double[] y) {
        throw new UnsupportedOperationException("Conv3dRef.forward is not implemented yet");
    }

    public static void backwardData(ConvParams p, double[] gy, double[] w, double[] gx) {
        throw new UnsupportedOperationException("Conv3dRef.backwardData is not implemented yet");
    }

    public static void backwardWeight(ConvParams p, double[] x, double[] gy, double[] gw, double[] gb) {
        throw new UnsupportedOperationException("Conv3dRef.backwardWeight is not implemented yet");
    }
}
