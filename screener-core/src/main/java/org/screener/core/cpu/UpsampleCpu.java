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
        final int inSize;

        Axis(boolean tri, int in, int out) {
            inSize = in;
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
        // plane loops live in their own methods: the JIT compiles them far better than one big lambda body
        int D = inShape[2];
        Parallel.forRange(planes, Math.max(1, 16384 / Math.max(1, outVol)), (lo, hi) -> {
            float[] tw = trilinear ? new float[D * H * OW] : null, th = trilinear ? new float[D * OH * OW] : null;
            for (int pl = lo; pl < hi; pl++) {
                if (trilinear) trilinearPlane(ad, ah, aw, H, W, x, pl * inVol, y, pl * outVol, tw, th);
                else nearestPlane(ad, ah, aw, H, W, x, pl * inVol, y, pl * outVol);
            }
        });
    }

    private static void nearestPlane(Axis ad, Axis ah, Axis aw, int H, int W, float[] x, int xb, float[] y, int yb) {
        int OD = ad.i0.length, OH = ah.i0.length, OW = aw.i0.length;
        int[] iw = aw.i0;
        for (int od = 0; od < OD; od++)
            for (int oh = 0; oh < OH; oh++) {
                int yr = yb + (od * OH + oh) * OW;
                int r = xb + (ad.i0[od] * H + ah.i0[oh]) * W;
                if (oh > 0 && ah.i0[oh] == ah.i0[oh - 1]) { System.arraycopy(y, yr - OW, y, yr, OW); continue; }
                for (int ow = 0; ow < OW; ow++) y[yr + ow] = x[r + iw[ow]];
            }
    }

    /**
     * Separable trilinear resize of one plane: W first (D·H source rows to OW), then H (to D·OH rows), then D, the
     * last two as contiguous two-row blends the JIT vectorises. tw and th are per-thread scratch.
     */
    private static void trilinearPlane(Axis ad, Axis ah, Axis aw, int H, int W, float[] x, int xb, float[] y, int yb,
                                       float[] tw, float[] th) {
        int D = ad.inSize, OD = ad.i0.length, OH = ah.i0.length, OW = aw.i0.length;
        int[] ia = aw.i0, ib = aw.i1;
        float[] wa = aw.w0, wb = aw.w1;
        for (int r = 0; r < D * H; r++) {
            int src = xb + r * W, dst = r * OW;
            for (int ow = 0; ow < OW; ow++) tw[dst + ow] = wa[ow] * x[src + ia[ow]] + wb[ow] * x[src + ib[ow]];
        }
        for (int d = 0; d < D; d++)
            for (int oh = 0; oh < OH; oh++)
                blend(tw, (d * H + ah.i0[oh]) * OW, ah.w0[oh], tw, (d * H + ah.i1[oh]) * OW, ah.w1[oh], th, (d * OH + oh) * OW, OW);
        int slab = OH * OW;
        for (int od = 0; od < OD; od++)
            blend(th, ad.i0[od] * slab, ad.w0[od], th, ad.i1[od] * slab, ad.w1[od], y, yb + od * slab, slab);
    }

    private static void blend(float[] a, int ao, float wa, float[] b, int bo, float wb, float[] out, int o, int n) {
        for (int i = 0; i < n; i++) out[o + i] = wa * a[ao + i] + wb * b[bo + i];
    }

    public static void backward(boolean trilinear, float[] gy, int[] outShape, float[] gx, int[] inShape) {
        int planes = inShape[0] * inShape[1];
        int D = inShape[2], H = inShape[3], W = inShape[4];
        int OD = outShape[2], OH = outShape[3], OW = outShape[4];
        Axis ad = new Axis(trilinear, D, OD), ah = new Axis(trilinear, H, OH), aw = new Axis(trilinear, W, OW);
        int inVol = D * H * W, outVol = OD * OH * OW;
        Parallel.forRange(planes, Math.max(1, 16384 / Math.max(1, outVol)), (lo, hi) -> {
            float[] th = new float[D * OH * OW], tw = new float[D * H * OW];
            for (int pl = lo; pl < hi; pl++) backwardPlane(ad, ah, aw, H, W, gy, pl * outVol, gx, pl * inVol, th, tw);
        });
    }

    /** The transpose of the separable forward, axis by axis in reverse: D, then H (contiguous row adds), then W. */
    private static void backwardPlane(Axis ad, Axis ah, Axis aw, int H, int W, float[] gy, int yb, float[] gx, int xb,
                                      float[] th, float[] tw) {
        int D = ad.inSize, OD = ad.i0.length, OH = ah.i0.length, OW = aw.i0.length;
        int slab = OH * OW;
        Arrays.fill(th, 0f);
        for (int od = 0; od < OD; od++) {
            axpy(gy, yb + od * slab, ad.w0[od], th, ad.i0[od] * slab, slab);
            axpy(gy, yb + od * slab, ad.w1[od], th, ad.i1[od] * slab, slab);
        }
        Arrays.fill(tw, 0f);
        for (int d = 0; d < D; d++)
            for (int oh = 0; oh < OH; oh++) {
                int src = (d * OH + oh) * OW;
                axpy(th, src, ah.w0[oh], tw, (d * H + ah.i0[oh]) * OW, OW);
                axpy(th, src, ah.w1[oh], tw, (d * H + ah.i1[oh]) * OW, OW);
            }
        Arrays.fill(gx, xb, xb + D * H * W, 0f);
        int[] ia = aw.i0, ib = aw.i1;
        float[] wa = aw.w0, wb = aw.w1;
        for (int r = 0; r < D * H; r++) {
            int src = r * OW, dst = xb + r * W;
            for (int ow = 0; ow < OW; ow++) {
                float g = tw[src + ow];
                gx[dst + ia[ow]] += wa[ow] * g;
                gx[dst + ib[ow]] += wb[ow] * g;
            }
        }
    }

    /** dst[do..] += a * src[so..] over n elements (skipped for a zero weight: nearest and clamped borders). */
    private static void axpy(float[] src, int so, float a, float[] dst, int dof, int n) {
        if (a == 0f) return;
        for (int i = 0; i < n; i++) dst[dof + i] += a * src[so + i];
    }
}
