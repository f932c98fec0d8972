package org.screener.core.ref;

/**
 * Plain nearest and trilinear resizing in double. Each output voxel is computed on its own from its source
 * coordinates; the backward scatters the same weights.
 */
public final class UpsampleRef {
    private UpsampleRef() {}

    public static void forward(boolean trilinear, double[] x, int[] inShape, double[] y, int[] outShape) {
        resample(trilinear, x, inShape, y, outShape, false);
    }

    public static void backward(boolean trilinear, double[] gy, int[] outShape, double[] gx, int[] inShape) {
        java.util.Arrays.fill(gx, 0, (int) volume(inShape) * inShape[0] * inShape[1], 0.0);
        resample(trilinear, gx, inShape, gy, outShape, true);
    }

    /** Forward: y[o] = Σ w·x[i]. Backward (transpose): x[i] += w·y[o]. */
    private static void resample(boolean tri, double[] x, int[] is, double[] y, int[] os, boolean transpose) {
        int planes = is[0] * is[1];
        int D = is[2], H = is[3], W = is[4];
        long inVol = volume(is), outVol = volume(os);
        for (int pl = 0; pl < planes; pl++)
            for (int od = 0; od < os[2]; od++)
                for (int oh = 0; oh < os[3]; oh++)
                    for (int ow = 0; ow < os[4]; ow++) {
                        int o = (int) (pl * outVol + ((long) od * os[3] + oh) * os[4] + ow);
                        double[] cd = coeff(tri, od, D, os[2]), ch = coeff(tri, oh, H, os[3]), cw = coeff(tri, ow, W, os[4]);
                        double acc = 0;
                        for (int a = 0; a < 2; a++)
                            for (int b = 0; b < 2; b++)
                                for (int c = 0; c < 2; c++) {
                                    double w = cd[2 + a] * ch[2 + b] * cw[2 + c];
                                    if (w == 0) continue;
                                    int i = (int) (pl * inVol + ((long) (int) cd[a] * H + (int) ch[b]) * W + (int) cw[c]);
                                    if (transpose) x[i] += w * y[o];
                                    else acc += w * x[i];
                                }
                        if (!transpose) y[o] = acc;
                    }
    }

    /**
     * {i0, i1, w0, w1} for output position o on an axis of in → out samples. Nearest: i0 = floor(o·in/out)
     * with weight 1. Trilinear: PyTorch's align_corners=false source coordinate (o + 0.5)·in/out − 0.5,
     * clamped below at 0; the upper neighbour is clamped to the last sample.
     */
    static double[] coeff(boolean tri, int o, int in, int out) {
        if (!tri) {
            long i = Math.min((long) o * in / out, in - 1);
            return new double[]{i, i, 1, 0};
        }
        double src = Math.max(0.0, (o + 0.5) * in / out - 0.5);
        int i0 = Math.min((int) Math.floor(src), in - 1);
        int i1 = i0 < in - 1 ? i0 + 1 : i0;
        double l1 = Math.min(Math.max(src - i0, 0.0), 1.0);
        return new double[]{i0, i1, 1 - l1, l1};
    }

    private static long volume(int[] s) { return (long) s[2] * s[3] * s[4]; }
}
