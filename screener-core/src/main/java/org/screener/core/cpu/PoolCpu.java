package org.screener.core.cpu;

import org.screener.core.ConvParams;

import java.util.Arrays;

/**
 * Average and max pooling on float arrays, one (n, c) plane per task. Loops are tap-major: for each output row
 * (od, oh) and each window tap (kd, kh, kw) one strided pass over the outputs ow whose tap lies inside the
 * input (ranges tabulated once), so the inner loop carries no bounds tests or window bookkeeping.
 */
public final class PoolCpu {
    private PoolCpu() {}

    /** The geometry tables shared by the four kernels. */
    private static final class Geo {
        final int H, W, OD, OH, OW, kW, sd, sh, sw, pd, ph, pw, dd, dh, dw;
        final int inVol, outVol;
        final int[] kdLo, kdHi, khLo, khHi;   // valid kd (kh) range for each od (oh)
        final int[] owLo, owHi;               // valid ow range for each kw
        final boolean[] wEmpty;               // ow whose window has no real column

        Geo(ConvParams p) {
            H = p.in[1]; W = p.in[2]; OD = p.out[0]; OH = p.out[1]; OW = p.out[2]; kW = p.kernel[2];
            sd = p.stride[0]; sh = p.stride[1]; sw = p.stride[2];
            pd = p.pad[0]; ph = p.pad[1]; pw = p.pad[2];
            dd = p.dilation[0]; dh = p.dilation[1]; dw = p.dilation[2];
            inVol = (int) p.inVoxels(); outVol = (int) p.outVoxels();
            int[][] d = taps(p, 0), h = taps(p, 1), w = taps(p, 2);
            kdLo = d[0]; kdHi = d[1]; khLo = h[0]; khHi = h[1];
            owLo = new int[kW]; owHi = new int[kW];
            for (int kw = 0; kw < kW; kw++) {
                int lo = 0, hi = OW, off = kw * dw - pw;
                while (lo < OW && lo * sw + off < 0) lo++;
                while (hi > lo && (hi - 1) * sw + off >= W) hi--;
                owLo[kw] = lo; owHi[kw] = hi;
            }
            wEmpty = new boolean[OW];
            for (int ow = 0; ow < OW; ow++) wEmpty[ow] = w[0][ow] >= w[1][ow];
        }

        /** Flat offset of input column 0 of the row for tap (kd, kh) of output row (od, oh), shifted by the W pad. */
        int row(int xb, int od, int oh, int kd, int kh, int kw) {
            return xb + ((od * sd - pd + kd * dd) * H + oh * sh - ph + kh * dh) * W - pw + kw * dw;
        }
    }

    /** First and one-past-last kernel tap k with 0 <= o*stride - pad + k*dil < in, for every output o of an axis. */
    private static int[][] taps(ConvParams p, int a) {
        int out = p.out[a], k = p.kernel[a], s = p.stride[a], pad = p.pad[a], dil = p.dilation[a], in = p.in[a];
        int[] lo = new int[out], hi = new int[out];
        for (int o = 0; o < out; o++) {
            int base = o * s - pad;
            int l = 0;
            while (l < k && base + l * dil < 0) l++;
            int h = k;
            while (h > l && base + (h - 1) * dil >= in) h--;
            lo[o] = l; hi[o] = h;
        }
        return new int[][]{lo, hi};
    }

    private static int minChunk(ConvParams p) { return (int) Math.max(1, 16384 / Math.max(1, p.inVoxels())); }

    public static void avgForward(ConvParams p, float[] x, float[] y) {
        Geo g = new Geo(p);
        float inv = (float) (1.0 / p.kernelVolume());   // count_include_pad
        // plane loops live in their own methods: the JIT compiles them far better than one big lambda body
        Parallel.forRange(p.n * p.cin, minChunk(p), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) avgPlane(g, inv, x, y, pl);
        });
    }

    private static void avgPlane(Geo g, float inv, float[] x, float[] y, int pl) {
        int xb = pl * g.inVol, yb = pl * g.outVol, sw = g.sw;
        Arrays.fill(y, yb, yb + g.outVol, 0f);
        for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++) {
                int yr = yb + (od * g.OH + oh) * g.OW;
                for (int kd = g.kdLo[od]; kd < g.kdHi[od]; kd++)
                    for (int kh = g.khLo[oh]; kh < g.khHi[oh]; kh++)
                        for (int kw = 0; kw < g.kW; kw++) {
                            int off = g.row(xb, od, oh, kd, kh, kw);
                            for (int ow = g.owLo[kw]; ow < g.owHi[kw]; ow++) y[yr + ow] += x[off + ow * sw];
                        }
                for (int ow = 0; ow < g.OW; ow++) y[yr + ow] *= inv;
            }
    }

    public static void avgBackward(ConvParams p, float[] gy, float[] gx) {
        Geo g = new Geo(p);
        float inv = (float) (1.0 / p.kernelVolume());
        Parallel.forRange(p.n * p.cin, minChunk(p), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) avgBackwardPlane(g, inv, gy, gx, pl);
        });
    }

    private static void avgBackwardPlane(Geo g, float inv, float[] gy, float[] gx, int pl) {
        int xb = pl * g.inVol, yb = pl * g.outVol, sw = g.sw;
        Arrays.fill(gx, xb, xb + g.inVol, 0f);
        for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++) {
                int yr = yb + (od * g.OH + oh) * g.OW;
                for (int kd = g.kdLo[od]; kd < g.kdHi[od]; kd++)
                    for (int kh = g.khLo[oh]; kh < g.khHi[oh]; kh++)
                        for (int kw = 0; kw < g.kW; kw++) {
                            int off = g.row(xb, od, oh, kd, kh, kw);
                            for (int ow = g.owLo[kw]; ow < g.owHi[kw]; ow++) gx[off + ow * sw] += gy[yr + ow] * inv;
                        }
            }
    }

    public static void maxForward(ConvParams p, float[] x, float[] y) {
        Geo g = new Geo(p);
        int[] kwFirst = taps(p, 2)[0];
        Parallel.forRange(p.n * p.cin, minChunk(p), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) maxPlane(g, kwFirst, x, y, pl);
        });
    }

    private static void maxPlane(Geo g, int[] kwFirst, float[] x, float[] y, int pl) {
        int xb = pl * g.inVol, yb = pl * g.outVol, sw = g.sw;
        for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++) {
                int yr = yb + (od * g.OH + oh) * g.OW;
                if (g.kdLo[od] >= g.kdHi[od] || g.khLo[oh] >= g.khHi[oh]) {   // window all padding
                    Arrays.fill(y, yr, yr + g.OW, 0f);
                    continue;
                }
                for (int ow = 0; ow < g.OW; ow++)
                    y[yr + ow] = g.wEmpty[ow] ? 0f : x[g.row(xb, od, oh, g.kdLo[od], g.khLo[oh], kwFirst[ow]) + ow * sw];
                for (int kd = g.kdLo[od]; kd < g.kdHi[od]; kd++)
                    for (int kh = g.khLo[oh]; kh < g.khHi[oh]; kh++)
                        for (int kw = 0; kw < g.kW; kw++) {
                            int off = g.row(xb, od, oh, kd, kh, kw);
                            for (int ow = g.owLo[kw]; ow < g.owHi[kw]; ow++) y[yr + ow] = Math.max(y[yr + ow], x[off + ow * sw]);
                        }
            }
    }

    /**
     * Routes gy to each window's first argmax. Each output starts at its window's first real tap; later taps
     * replace it only when strictly greater, so the first maximum in window order (kd, kh, kw) wins ties.
     */
    public static void maxBackward(ConvParams p, float[] x, float[] gy, float[] gx) {
        Geo g = new Geo(p);
        int[] kwFirst = taps(p, 2)[0];
        Parallel.forRange(p.n * p.cin, minChunk(p), (lo, hi) -> {
            float[] best = new float[g.OW];
            int[] arg = new int[g.OW];
            for (int pl = lo; pl < hi; pl++) maxBackwardPlane(g, kwFirst, x, gy, gx, pl, best, arg);
        });
    }

    private static void maxBackwardPlane(Geo g, int[] kwFirst, float[] x, float[] gy, float[] gx, int pl, float[] best, int[] arg) {
        int xb = pl * g.inVol, yb = pl * g.outVol, sw = g.sw;
        Arrays.fill(gx, xb, xb + g.inVol, 0f);
        for (int od = 0; od < g.OD; od++)
            for (int oh = 0; oh < g.OH; oh++) {
                if (g.kdLo[od] >= g.kdHi[od] || g.khLo[oh] >= g.khHi[oh]) continue;
                int yr = yb + (od * g.OH + oh) * g.OW;
                for (int ow = 0; ow < g.OW; ow++) {
                    if (g.wEmpty[ow]) { arg[ow] = -1; continue; }
                    int i = g.row(xb, od, oh, g.kdLo[od], g.khLo[oh], kwFirst[ow]) + ow * sw;
                    arg[ow] = i;
                    best[ow] = x[i];
                }
                for (int kd = g.kdLo[od]; kd < g.kdHi[od]; kd++)
                    for (int kh = g.khLo[oh]; kh < g.khHi[oh]; kh++)
                        for (int kw = 0; kw < g.kW; kw++) {
                            int off = g.row(xb, od, oh, kd, kh, kw);
                            for (int ow = g.owLo[kw]; ow < g.owHi[kw]; ow++) {
                                int i = off + ow * sw;
                                float v = x[i];
                                if (v > best[ow]) { best[ow] = v; arg[ow] = i; }
                            }
                        }
                for (int ow = 0; ow < g.OW; ow++) if (arg[ow] >= 0) gx[arg[ow]] += gy[yr + ow];
            }
    }
}
