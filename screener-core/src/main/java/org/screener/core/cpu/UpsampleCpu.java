package org.screener.core.cpu;

import java.util.Arrays;

/**
 * Nearest and trilinear resizing on float arrays, one (n, c) plane per task. Source indices and weights are
 * tabulated once per axis (same rules as {@code UpsampleRef}); trilinear blends two source rows per output
 * row along D and H, then two columns along W.
 */
public final class UpsampleCpu {
    private UpsampleCpu() {}

    /** Per-axis tables: i0, i1 (source indices) and w0, w1 (weights) for each output position. */
    private static final class Axis {
        final int[] i0, i1;
        final float[] w0, w1;

        Axis(boolean tri, int in, int out) {
            i0 = new int[out]; i1 = new int[out]; w0 = new float[out]; w1 = new float[out];
            for (int o = 0; o < out; o++) {
                if (!tri) {
                    int i = (int) Math.min((long) o * in / out, in - 1);
                    i0[o] = i; i1[o] = i; w0[o] = 1f; w1[o] = 0f;
                } else {
                    double src = Math.max(0.0, (o + 0.5) * in / out - 0.5);
                    int a = Math.min((int) Math.floor(src), in - 1);
                    double l1 = Math.min(Math.max(src - a, 0.0), 1.0);
                    i0[o] = a; i1[o] = a < in - 1 ? a + 1 : a;
                    w0[o] = (float) (1 - l1); w1[o] = (float) l1;
                }
            }
        }
    }

    public static void forward(boolean trilinear, float[] x, int[] inShape, float[] y, int[] outShape) {
        int planes = inShape[0] * inShape[1];
        int H = inShape[3], W = inShape[4];
        int OD = outShape[2], OH = outShape[3], OW = outShape[4];
        Axis ad = new Axis(trilinear, inShape[2], OD), ah = new Axis(trilinear, H, OH), aw = new Axis(trilinear, W, OW);
        int inVol = inShape[2] * H * W, outVol = OD * OH * OW;
        Parallel.forRange(planes, Math.max(1, 16384 / Math.max(1, outVol)), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) {
                int xb = pl * inVol, yb = pl * outVol;
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++) {
                        int yr = yb + (od * OH + oh) * OW;
                        int r00 = xb + (ad.i0[od] * H + ah.i0[oh]) * W;
                        if (!trilinear) {
                            for (int ow = 0; ow < OW; ow++) y[yr + ow] = x[r00 + aw.i0[ow]];
                            continue;
                        }
                        int r01 = xb + (ad.i0[od] * H + ah.i1[oh]) * W;
                        int r10 = xb + (ad.i1[od] * H + ah.i0[oh]) * W;
                        int r11 = xb + (ad.i1[od] * H + ah.i1[oh]) * W;
                        float c00 = ad.w0[od] * ah.w0[oh], c01 = ad.w0[od] * ah.w1[oh];
                        float c10 = ad.w1[od] * ah.w0[oh], c11 = ad.w1[od] * ah.w1[oh];
                        for (int ow = 0; ow < OW; ow++) {
                            int a = aw.i0[ow], b = aw.i1[ow];
                            float wa = aw.w0[ow], wb = aw.w1[ow];
                            y[yr + ow] = c00 * (wa * x[r00 + a] + wb * x[r00 + b]) + c01 * (wa * x[r01 + a] + wb * x[r01 + b])
                                    + c10 * (wa * x[r10 + a] + wb * x[r10 + b]) + c11 * (wa * x[r11 + a] + wb * x[r11 + b]);
                        }
                    }
            }
        });
    }

    public static void backward(boolean trilinear, float[] gy, int[] outShape, float[] gx, int[] inShape) {
        int planes = inShape[0] * inShape[1];
        int H = inShape[3], W = inShape[4];
        int OD = outShape[2], OH = outShape[3], OW = outShape[4];
        Axis ad = new Axis(trilinear, inShape[2], OD), ah = new Axis(trilinear, H, OH), aw = new Axis(trilinear, W, OW);
        int inVol = inShape[2] * H * W, outVol = OD * OH * OW;
        Parallel.forRange(planes, Math.max(1, 16384 / Math.max(1, outVol)), (lo, hi) -> {
            float[] row = new float[W];   // the W-direction transpose of one output row
            for (int pl = lo; pl < hi; pl++) {
                int xb = pl * inVol, yb = pl * outVol;
                Arrays.fill(gx, xb, xb + inVol, 0f);
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++) {
                        int yr = yb + (od * OH + oh) * OW;
                        Arrays.fill(row, 0f);
                        for (int ow = 0; ow < OW; ow++) {
                            float g = gy[yr + ow];
                            row[aw.i0[ow]] += aw.w0[ow] * g;
                            if (trilinear) row[aw.i1[ow]] += aw.w1[ow] * g;
                        }
                        if (!trilinear) {
                            axpy(row, 1f, gx, xb + (ad.i0[od] * H + ah.i0[oh]) * W);
                            continue;
                        }
                        axpy(row, ad.w0[od] * ah.w0[oh], gx, xb + (ad.i0[od] * H + ah.i0[oh]) * W);
                        axpy(row, ad.w0[od] * ah.w1[oh], gx, xb + (ad.i0[od] * H + ah.i1[oh]) * W);
                        axpy(row, ad.w1[od] * ah.w0[oh], gx, xb + (ad.i1[od] * H + ah.i0[oh]) * W);
                        axpy(row, ad.w1[od] * ah.w1[oh], gx, xb + (ad.i1[od] * H + ah.i1[oh]) * W);
                    }
            }
        });
    }

    private static void axpy(float[] row, float a, float[] dst, int off) {
        if (a == 0f) return;
        for (int i = 0; i < row.length; i++) dst[off + i] += a * row[i];
    }
}
