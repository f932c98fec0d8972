package org.screener.core.ref;

import org.screener.core.ConvParams;

/** Plain average and max pooling in double: one output at a time, every window cell tested against the bounds. */
public final class PoolRef {
    private PoolRef() {}

    public static void avgForward(ConvParams p, double[] x, double[] y) {
        int[] in = p.in, out = p.out;
        double inv = 1.0 / p.kernelVolume();   // count_include_pad: padded cells count as zeros
        for (int pl = 0; pl < p.n * p.cin; pl++)
            for (int od = 0; od < out[0]; od++)
                for (int oh = 0; oh < out[1]; oh++)
                    for (int ow = 0; ow < out[2]; ow++) {
                        double s = 0;
                        for (int kd = 0; kd < p.kernel[0]; kd++)
                            for (int kh = 0; kh < p.kernel[1]; kh++)
                                for (int kw = 0; kw < p.kernel[2]; kw++) {
                                    long i = inIndex(p, pl, od, oh, ow, kd, kh, kw);
                                    if (i >= 0) s += x[(int) i];
                                }
                        y[outIndex(p, pl, od, oh, ow)] = s * inv;
                    }
    }

    public static void avgBackward(ConvParams p, double[] gy, double[] gx) {
        java.util.Arrays.fill(gx, 0, (int) (p.n * p.cin * p.inVoxels()), 0.0);
        int[] out = p.out;
        double inv = 1.0 / p.kernelVolume();
        for (int pl = 0; pl < p.n * p.cin; pl++)
            for (int od = 0; od < out[0]; od++)
                for (int oh = 0; oh < out[1]; oh++)
                    for (int ow = 0; ow < out[2]; ow++) {
                        double g = gy[outIndex(p, pl, od, oh, ow)] * inv;
                        for (int kd = 0; kd < p.kernel[0]; kd++)
                            for (int kh = 0; kh < p.kernel[1]; kh++)
                                for (int kw = 0; kw < p.kernel[2]; kw++) {
                                    long i = inIndex(p, pl, od, oh, ow, kd, kh, kw);
                                    if (i >= 0) gx[(int) i] += g;
                                }
                    }
    }

    public static void maxForward(ConvParams p, double[] x, double[] y) {
        int[] out = p.out;
        for (int pl = 0; pl < p.n * p.cin; pl++)
            for (int od = 0; od < out[0]; od++)
                for (int oh = 0; oh < out[1]; oh++)
                    for (int ow = 0; ow < out[2]; ow++) {
                        long arg = argmax(p, x, pl, od, oh, ow);
                        y[outIndex(p, pl, od, oh, ow)] = arg < 0 ? 0.0 : x[(int) arg];
                    }
    }

    public static void maxBackward(ConvParams p, double[] x, double[] gy, double[] gx) {
        java.util.Arrays.fill(gx, 0, (int) (p.n * p.cin * p.inVoxels()), 0.0);
        int[] out = p.out;
        for (int pl = 0; pl < p.n * p.cin; pl++)
            for (int od = 0; od < out[0]; od++)
                for (int oh = 0; oh < out[1]; oh++)
                    for (int ow = 0; ow < out[2]; ow++) {
                        long arg = argmax(p, x, pl, od, oh, ow);
                        if (arg >= 0) gx[(int) arg] += gy[outIndex(p, pl, od, oh, ow)];
                    }
    }

    /** Index of the first maximum of the window over real (unpadded) cells, -1 if the window has none. */
    private static long argmax(ConvParams p, double[] x, int pl, int od, int oh, int ow) {
        long best = -1;
        for (int kd = 0; kd < p.kernel[0]; kd++)
            for (int kh = 0; kh < p.kernel[1]; kh++)
                for (int kw = 0; kw < p.kernel[2]; kw++) {
                    long i = inIndex(p, pl, od, oh, ow, kd, kh, kw);
                    if (i >= 0 && (best < 0 || x[(int) i] > x[(int) best])) best = i;
                }
        return best;
    }

    private static int outIndex(ConvParams p, int pl, int od, int oh, int ow) {
        return (int) (pl * p.outVoxels() + ((long) od * p.out[1] + oh) * p.out[2] + ow);
    }

    /** Flat input index of a window cell, or -1 if the cell is padding. */
    private static long inIndex(ConvParams p, int pl, int od, int oh, int ow, int kd, int kh, int kw) {
        int d = od * p.stride[0] - p.pad[0] + kd * p.dilation[0];
        int h = oh * p.stride[1] - p.pad[1] + kh * p.dilation[1];
        int w = ow * p.stride[2] - p.pad[2] + kw * p.dilation[2];
        if (d < 0 || d >= p.in[0] || h < 0 || h >= p.in[1] || w < 0 || w >= p.in[2]) return -1;
        return pl * p.inVoxels() + ((long) d * p.in[1] + h) * p.in[2] + w;
    }
}
