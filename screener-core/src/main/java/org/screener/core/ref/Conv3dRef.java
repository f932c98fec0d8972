package org.screener.core.ref;

import org.screener.core.ConvParams;

/** Direct 3D convolution in double (seven nested loops): the definition the fast kernels are tested against. */
public final class Conv3dRef {
    private Conv3dRef() {}

    /** Calls body(xIndex, wIndex, yIndex) for every product term x·w that contributes to y. */
    private interface Term { void at(int xi, int wi, int yi); }

    private static void forEachTerm(ConvParams p, Term t) {
        int cinG = p.cin / p.groups, coutG = p.cout / p.groups;
        int D = p.in[0], H = p.in[1], W = p.in[2];
        int OD = p.out[0], OH = p.out[1], OW = p.out[2];
        int kD = p.kernel[0], kH = p.kernel[1], kW = p.kernel[2];
        for (int n = 0; n < p.n; n++)
            for (int co = 0; co < p.cout; co++) {
                int g = co / coutG;
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++)
                        for (int ow = 0; ow < OW; ow++) {
                            int yi = (((n * p.cout + co) * OD + od) * OH + oh) * OW + ow;
                            for (int ci = 0; ci < cinG; ci++) {
                                int c = g * cinG + ci;
                                for (int kd = 0; kd < kD; kd++) {
                                    int id = od * p.stride[0] - p.pad[0] + kd * p.dilation[0];
                                    if (id < 0 || id >= D) continue;
                                    for (int kh = 0; kh < kH; kh++) {
                                        int ih = oh * p.stride[1] - p.pad[1] + kh * p.dilation[1];
                                        if (ih < 0 || ih >= H) continue;
                                        for (int kw = 0; kw < kW; kw++) {
                                            int iw = ow * p.stride[2] - p.pad[2] + kw * p.dilation[2];
                                            if (iw < 0 || iw >= W) continue;
                                            int xi = (((n * p.cin + c) * D + id) * H + ih) * W + iw;
                                            int wi = (((co * cinG + ci) * kD + kd) * kH + kh) * kW + kw;
                                            t.at(xi, wi, yi);
                                        }
                                    }
                                }
                            }
                        }
            }
    }

    /** y = conv3d(x, w) + bias; bias may be null. */
    public static void forward(ConvParams p, double[] x, double[] w, double[] bias, double[] y) {
        long ov = p.outVoxels();
        for (int i = 0; i < y.length; i++) y[i] = bias == null ? 0 : bias[(int) ((i / ov) % p.cout)];
        forEachTerm(p, (xi, wi, yi) -> y[yi] += x[xi] * w[wi]);
    }

    /** gx = d(sum gy·y)/dx (overwrites gx). */
    public static void backwardData(ConvParams p, double[] gy, double[] w, double[] gx) {
        java.util.Arrays.fill(gx, 0);
        forEachTerm(p, (xi, wi, yi) -> gx[xi] += gy[yi] * w[wi]);
    }

    /** gw = d(sum gy·y)/dw (overwrites); gb = per-channel sum of gy if not null. */
    public static void backwardWeight(ConvParams p, double[] x, double[] gy, double[] gw, double[] gb) {
        java.util.Arrays.fill(gw, 0);
        forEachTerm(p, (xi, wi, yi) -> gw[wi] += gy[yi] * x[xi]);
        if (gb != null) {
            java.util.Arrays.fill(gb, 0);
            long ov = p.outVoxels();
            for (int i = 0; i < gy.length; i++) gb[(int) ((i / ov) % p.cout)] += gy[i];
        }
    }
}
