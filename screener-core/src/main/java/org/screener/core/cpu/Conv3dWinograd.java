package org.screener.core.cpu;

import org.screener.core.ConvParams;

import java.util.Arrays;

/**
 * 3×3×3 stride-1 undilated convolution by Winograd F(2×2×2, 3×3×3): each 2×2×2 output tile costs 64
 * multiply-adds per channel pair instead of 216. The input is first transformed along W for every padded
 * row (so tiles need no stride-2 gathers), then per row of tiles along D and H into V[e][ci][tile]; 64
 * small GEMMs M_e = U_e · V_e (the {@link ConvGemm} kernel) and the inverse transform give the outputs.
 * Used for the forward pass and, through the flipped weights, for backwardData.
 */
final class Conv3dWinograd {
    private Conv3dWinograd() {}

    /** Kernel 3, stride 1, dilation 1 on every axis, at least 8 channels per group. */
    private static boolean shapeFits(ConvParams p) {
        if (Boolean.getBoolean("screener.conv.noWinograd")) return false;
        for (int a = 0; a < 3; a++)
            if (p.kernel[a] != 3 || p.stride[a] != 1 || p.dilation[a] != 1 || p.pad[a] > 2) return false;
        return p.cin / p.groups >= 8 && p.cout / p.groups >= 8;
    }

    /**
     * Forward (and stride-1 backwardData): rows of tiles filling at least half of two GEMM widths, as before
     * batching; or, on 8 lanes or fewer, rows filling at least half of one vector, now that short rows share one
     * GEMM column block ({@link #rowsPerBlock}). Measured (ms forward, batch 4, one thread, this machine): 8 lanes,
     * 48 channels at 8³ 7.9 direct, 6.4 Winograd; 24 at 16³ 10.5 and 8.7. On 16 lanes the transforms of a 4- or
     * 8-tile row waste three quarters or half of each vector and the direct path stays faster (8³: 4.8 against
     * 5.0-6.1; 16³: 7.0 against 8.0-8.7). -Dscreener.conv.noWinograd=true disables it.
     */
    static boolean applies(ConvParams p, ConvGemm k) {
        int tw = (p.out[2] + 1) / 2, L = k.width();
        return shapeFits(p) && (2L * tw >= roundUp(tw, 2 * L) || (L <= 8 && 2 * tw >= roundUp(tw, L)));
    }

    /**
     * Weight gradient: tile rows filling at least half of two GEMM widths (below that the direct path wins: at
     * 16³, 8 tiles a row, 24 channels, batch 4, the direct path took 23 ms forward and backward, Winograd 35).
     */
    static boolean appliesWeight(ConvParams p, ConvGemm k) {
        int tw = (p.out[2] + 1) / 2;
        return shapeFits(p) && 2L * tw >= roundUp(tw, 2 * k.width());
    }

    private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }

    /** U[g][e][co][ci] = (G ⊗ G ⊗ G) w[co][ci], e = (a * 4 + b) * 4 + c. */
    private static float[] weights(ConvParams p, float[] w) {
        int cinG = p.cin / p.groups, coutG = p.cout / p.groups;
        float[] u = new float[p.groups * 64 * coutG * cinG];
        double[] t1 = new double[36], t2 = new double[48], t3 = new double[64];
        for (int co = 0; co < p.cout; co++) {
            int g = co / coutG, col = co % coutG;
            for (int ci = 0; ci < cinG; ci++) {
                int wb = (co * cinG + ci) * 27;
                for (int kd = 0; kd < 3; kd++)
                    for (int kh = 0; kh < 3; kh++) {
                        int s = wb + kd * 9 + kh * 3;
                        g(w[s], w[s + 1], w[s + 2], t1, (kd * 3 + kh) * 4, 1);
                    }
                for (int kd = 0; kd < 3; kd++)
                    for (int c = 0; c < 4; c++) {
                        int s = kd * 12 + c;
                        g(t1[s], t1[s + 4], t1[s + 8], t2, kd * 16 + c, 4);
                    }
                for (int b = 0; b < 4; b++)
                    for (int c = 0; c < 4; c++) {
                        int s = b * 4 + c;
                        g(t2[s], t2[s + 16], t2[s + 32], t3, s, 16);
                    }
                for (int e = 0; e < 64; e++) u[((g * 64 + e) * coutG + col) * cinG + ci] = (float) t3[e];
            }
        }
        return u;
    }

    /** out[o + i * stride] = (G v)_i with G = [[1,0,0],[.5,.5,.5],[.5,-.5,.5],[0,0,1]]. */
    private static void g(double v0, double v1, double v2, double[] out, int o, int stride) {
        out[o] = v0;
        out[o + stride] = 0.5 * (v0 + v1 + v2);
        out[o + 2 * stride] = 0.5 * (v0 - v1 + v2);
        out[o + 3 * stride] = v2;
    }

    /**
     * Tile rows (of TW tiles each) batched into one GEMM column block of about this many columns
     * (-Dscreener.conv.winoCols, default 8 vectors): a small level's row of 4 tiles alone fills a quarter of
     * one 16-lane vector. Batching changes only which columns share a GEMM call, never a column's arithmetic.
     */
    static int rowsPerBlock(int TW, int rows, int L) {
        int target = Integer.getInteger("screener.conv.winoCols", 8 * L);
        // rows of two vectors or more already fill the 8 × 2 tile; batching them only grew the buffers (64³,
        // 32 channels: 111 -> 120 ms forward at 512 bits, 267 -> 279 at 256)
        if (TW >= 2 * L && System.getProperty("screener.conv.winoCols") == null) return 1;
        return Math.max(1, Math.min(rows, target / Math.max(1, TW)));
    }

    static void forward(ConvParams p, float[] x, float[] w, float[] bias, float[] y, ConvGemm k) {
        int cinG = p.cin / p.groups, coutG = p.cout / p.groups, L = k.width();
        int D = p.in[0], H = p.in[1], W = p.in[2], OD = p.out[0], OH = p.out[1], OW = p.out[2];
        int pd = p.pad[0], ph = p.pad[1], pw = p.pad[2];
        int TD = (OD + 1) / 2, TH = (OH + 1) / 2, TW = (OW + 1) / 2, TWp = roundUp(TW, L);
        int Dq = 2 * TD + 2, Hq = 2 * TH + 2, Wq = 2 * TW + 2;   // padded input rows the tiles read
        long cS = (long) cinG * Dq * Hq * TWp;                    // stride between the 4 W-transform components
        if (4 * cS > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("conv3d: volume too large for one Winograd pass " + p);
        int rows = TD * TH, R = rowsPerBlock(TW, rows, L), blocks = (rows + R - 1) / R;
        int nT = TWp;   // columns a row's transforms write: whole vectors (a scalar tail was slower, 16³: 13.8 ms against 6.9)
        // a block's rows sit TW columns apart; each row's transform writes TWp columns (full vectors), the
        // overrun is overwritten by the next row, and the last row's overrun needs room; rows of whole vectors
        // (at 8³ on 16 lanes a row of 76 floats put most vector loads across two cache lines: 5.6 ms against 4.7)
        int NB = roundUp(Math.max(R * TW, (R - 1) * TW + TWp), L);
        // several sample-groups transformed per parallel round (up to 4 M floats): at 8³ a sample is one block
        int sgs = p.n * p.groups;
        int sb = (int) Math.max(1, Math.min(sgs, Long.getLong("screener.conv.directBatch", 4L << 20) / (4 * cS)));
        float[] u = weights(p, w);
        // every element the tiles use is rewritten below; stale tail columns only feed dropped outputs
        float[] xw = Conv3dCpu.scratchVolume((int) (4 * cS * sb), false);
        int[] aoff = new int[coutG], boff = new int[cinG];
        for (int r = 0; r < coutG; r++) aoff[r] = r * cinG;
        for (int r = 0; r < cinG; r++) boff[r] = r * NB;
        long inVol = p.inVoxels(), outVol = p.outVoxels();
        for (int s0 = 0; s0 < sgs; s0 += sb) {
            int sn = Math.min(sb, sgs - s0), first = s0;
            Parallel.forRange(sn * cinG * Dq, 2, (lo, hi) -> {
                float[] r = new float[Wq + 2];
                for (int scq = lo; scq < hi; scq++) {
                    int sl = scq / (cinG * Dq), cq = scq % (cinG * Dq);
                    int ci = cq / Dq, dq = cq % Dq, id = dq - pd;
                    long xOff = (long) (first + sl) * cinG * inVol;
                    long xb = sl * 4 * cS;
                    for (int hq = 0; hq < Hq; hq++) {
                        int ih = hq - ph, base = (int) (xb + ((ci * Dq + dq) * Hq + hq) * TWp);
                        if (id < 0 || id >= D || ih < 0 || ih >= H) {
                            for (int c = 0; c < 4; c++) Arrays.fill(xw, (int) (c * cS + base), (int) (c * cS + base + TWp), 0f);
                            continue;
                        }
                        Arrays.fill(r, 0f);
                        System.arraycopy(x, (int) (xOff + ((long) (ci * D + id) * H + ih) * W), r, pw, W);
                        int b1 = (int) (base + cS), b2 = (int) (base + 2 * cS), b3 = (int) (base + 3 * cS);
                        for (int t = 0; t < TW; t++) {
                            float r0 = r[2 * t], r1 = r[2 * t + 1], r2 = r[2 * t + 2], r3 = r[2 * t + 3];
                            xw[base + t] = r0 - r2; xw[b1 + t] = r1 + r2; xw[b2 + t] = r2 - r1; xw[b3 + t] = r1 - r3;
                        }
                    }
                }
            });
            Parallel.forRange(sn * blocks, 1, (lo, hi) -> {
                float[] v = new float[64 * cinG * NB], m = new float[64 * coutG * NB], o = new float[16 * nT];
                int[] so = new int[16];
                for (int t = lo; t < hi; t++) {
                    int sl = t / blocks, r0 = (t % blocks) * R, rn = Math.min(R, rows - r0);
                    int s = first + sl, g = s % p.groups;
                    long xb = sl * 4 * cS;
                    for (int ci = 0; ci < cinG; ci++)
                        for (int c = 0; c < 4; c++)
                            for (int rr = 0; rr < rn; rr++) {   // ascending: each row overwrites the last one's overrun
                                int td = (r0 + rr) / TH, th = (r0 + rr) % TH;
                                for (int a = 0; a < 4; a++)
                                    for (int b = 0; b < 4; b++)
                                        so[a * 4 + b] = (int) (xb + c * cS + ((long) (ci * Dq + 2 * td + a) * Hq + 2 * th + b) * TWp);
                                k.winogradIn(xw, so, v, (c * cinG + ci) * NB + rr * TW, 4 * cinG * NB, nT);
                            }
                    int nw = roundUp(rn * TW, L), uOff = g * 64 * coutG * cinG;
                    for (int e = 0; e < 64; e++)
                        k.gemm(coutG, nw, cinG, u, uOff + e * coutG * cinG, aoff, v, e * cinG * NB, boff,
                                m, e * coutG * NB, NB, false);
                    long yOff = (long) s * coutG * outVol;
                    for (int co = 0; co < coutG; co++) {
                        float bv = bias == null ? 0f : bias[g * coutG + co];
                        for (int rr = 0; rr < rn; rr++) {
                            int td = (r0 + rr) / TH, th = (r0 + rr) % TH;
                            for (int c = 0; c < 4; c++)
                                k.winogradOut(m, (c * coutG + co) * NB + rr * TW, 4 * coutG * NB, o, c * 4 * nT, nT);
                            for (int i = 0; i < 2; i++)
                                for (int kk = 0; kk < 2; kk++) {
                                    int od = 2 * td + i, oh = 2 * th + kk;
                                    if (od >= OD || oh >= OH) continue;
                                    int row = (int) (yOff + co * outVol + ((long) od * OH + oh) * OW);
                                    int q = (i * 2 + kk) * nT, q1 = q + 4 * nT, q2 = q + 8 * nT, q3 = q + 12 * nT;
                                    int full = OW / 2;
                                    for (int tw = 0; tw < full; tw++) {
                                        float o0 = o[q + tw], o1 = o[q1 + tw], o2 = o[q2 + tw], o3 = o[q3 + tw];
                                        y[row + 2 * tw] = o0 + o1 + o2 + bv;
                                        y[row + 2 * tw + 1] = o1 - o2 - o3 + bv;
                                    }
                                    if (OW % 2 == 1) y[row + OW - 1] = o[q + full] + o[q1 + full] + o[q2 + full] + bv;
                                }
                        }
                    }
                }
            });
        }
    }

    /**
     * Weight gradient by Winograd F(3×3×3, 2×2×2): per 2×2×2 tile of gy, the x tile (B') and the gy tile (G') are
     * transformed, 64 GEMMs over the tiles of a tile row accumulate into per-thread partials [e][ci][co], and the
     * summed partials are taken back to 3×3×3 with A' = [[1,1,1,0],[0,1,-1,0],[0,1,1,1]]. gw is overwritten.
     */
    static void backwardWeight(ConvParams p, float[] x, float[] gy, float[] gw, ConvGemm k) {
        int cinG = p.cin / p.groups, coutG = p.cout / p.groups;
        int D = p.in[0], H = p.in[1], W = p.in[2], OD = p.out[0], OH = p.out[1], OW = p.out[2];
        int pd = p.pad[0], ph = p.pad[1], pw = p.pad[2];
        int TD = (OD + 1) / 2, TH = (OH + 1) / 2, TW = (OW + 1) / 2, TWp = roundUp(TW, k.width());
        int coPad = roundUp(coutG, k.width());
        int Dq = 2 * TD + 2, Hq = 2 * TH + 2, Wq = 2 * TW + 2;
        long cS = (long) cinG * Dq * Hq * TWp;                 // x components
        long gS = (long) 2 * TD * 2 * TH * TWp * coPad;         // gy components, channels last [d][h][tile][co]
        if (4 * cS + 4 * gS > Integer.MAX_VALUE - 16)
            throw new IllegalArgumentException("conv3d: volume too large for one Winograd pass " + p);
        // every element the GEMMs contract over is rewritten below
        float[] buf = Conv3dCpu.scratchVolume((int) (4 * cS + 4 * gS), false);
        int gBase = (int) (4 * cS);
        float[] total = new float[p.groups * 64 * cinG * coPad];
        int[] aoff = new int[cinG], boff = new int[TWp];
        for (int r = 0; r < cinG; r++) aoff[r] = r * TWp;
        for (int r = 0; r < TWp; r++) boff[r] = r * coPad;
        long inVol = p.inVoxels(), outVol = p.outVoxels();
        for (int n = 0; n < p.n; n++)
            for (int g = 0; g < p.groups; g++) {
                long xOff = (long) (n * p.cin + g * cinG) * inVol, yOff = (long) (n * p.cout + g * coutG) * outVol;
                // W-axis transforms of every padded x row (B') and every gy row (G', odd sizes padded with zeros)
                // x rows and gy rows in two loops: one range over both would hand all gy rows to one thread
                Parallel.forRange(cinG * Dq, 2, (lo, hi) -> {
                    float[] r = new float[Wq + 2];
                    for (int cq = lo; cq < hi; cq++) {
                        {
                            int ci = cq / Dq, dq = cq % Dq, id = dq - pd;
                            for (int hq = 0; hq < Hq; hq++) {
                                int ih = hq - ph, base = ((ci * Dq + dq) * Hq + hq) * TWp;
                                if (id < 0 || id >= D || ih < 0 || ih >= H) {
                                    for (int c = 0; c < 4; c++) Arrays.fill(buf, (int) (c * cS + base), (int) (c * cS + base + TWp), 0f);
                                    continue;
                                }
                                Arrays.fill(r, 0f);
                                System.arraycopy(x, (int) (xOff + ((long) (ci * D + id) * H + ih) * W), r, pw, W);
                                int b1 = (int) (base + cS), b2 = (int) (base + 2 * cS), b3 = (int) (base + 3 * cS);
                                for (int t = 0; t < TW; t++) {
                                    float r0 = r[2 * t], r1 = r[2 * t + 1], r2 = r[2 * t + 2], r3 = r[2 * t + 3];
                                    buf[base + t] = r0 - r2; buf[b1 + t] = 0.5f * (r1 + r2);
                                    buf[b2 + t] = 0.5f * (r2 - r1); buf[b3 + t] = r3 - r1;
                                }
                            }
                        }
                    }
                });
                Parallel.forRange(2 * TD, 1, (lo, hi) -> {
                    float[] r = new float[Wq + 2];
                    for (int od = lo; od < hi; od++) {
                        {
                            // gy rows go channels-last so that the transformed tiles are the GEMM's B rows
                            for (int oh = 0; oh < 2 * TH; oh++) {
                                int base = gBase + (od * 2 * TH + oh) * TWp * coPad;
                                if (od >= OD || oh >= OH) {
                                    for (int c = 0; c < 4; c++)
                                        Arrays.fill(buf, (int) (c * gS + base), (int) (c * gS + base + TWp * coPad), 0f);
                                    continue;
                                }
                                int b1 = (int) (base + gS), b2 = (int) (base + 2 * gS), b3 = (int) (base + 3 * gS);
                                for (int co = 0; co < coutG; co++) {
                                    Arrays.fill(r, 0f);
                                    System.arraycopy(gy, (int) (yOff + co * outVol + ((long) od * OH + oh) * OW), r, 0, OW);
                                    for (int t = 0; t < TW; t++) {
                                        float g0 = r[2 * t], g1 = r[2 * t + 1];
                                        int q = t * coPad + co;
                                        buf[base + q] = g0; buf[b1 + q] = g0 + g1; buf[b2 + q] = g0 - g1; buf[b3 + q] = g1;
                                    }
                                }
                            }
                        }
                    }
                });
                int tOff = g * 64 * cinG * coPad;
                Parallel.OrderedSum sums = new Parallel.OrderedSum();
                Parallel.forRange(TD * TH, 1, (lo, hi) -> {
                    float[] v = new float[64 * cinG * TWp], gt = new float[64 * TWp * coPad];
                    float[] part = new float[64 * cinG * coPad];
                    int[] so = new int[16], go = new int[4];
                    for (int t = lo; t < hi; t++) {
                        int td = t / TH, th = t % TH;
                        for (int ci = 0; ci < cinG; ci++)
                            for (int c = 0; c < 4; c++) {
                                for (int a = 0; a < 4; a++)
                                    for (int b = 0; b < 4; b++)
                                        so[a * 4 + b] = (int) (c * cS + ((long) (ci * Dq + 2 * td + a) * Hq + 2 * th + b) * TWp);
                                k.winogradInW(buf, so, v, (c * cinG + ci) * TWp, 4 * cinG * TWp, TWp);
                            }
                        // gy transforms: rows of (tile, co) pairs, already the tile-major B operand
                        for (int c = 0; c < 4; c++) {
                            for (int i = 0; i < 2; i++)
                                for (int kk = 0; kk < 2; kk++)
                                    go[i * 2 + kk] = (int) (gBase + c * gS + ((long) (2 * td + i) * 2 * TH + 2 * th + kk) * TWp * coPad);
                            k.winogradGy(buf, go, gt, c * TWp * coPad, 4 * TWp * coPad, TWp * coPad);
                        }
                        for (int e = 0; e < 64; e++)
                            k.gemm(cinG, coPad, TW, v, e * cinG * TWp, aoff, gt, e * TWp * coPad, boff,
                                    part, e * cinG * coPad, coPad, true);
                    }
                    sums.put(lo, part);
                });
                sums.addInto(total, tOff);
            }
        // back to 3×3×3: A' along each axis
        double[] m = new double[64], t1 = new double[48], t2 = new double[36];
        for (int g = 0; g < p.groups; g++)
            for (int co = 0; co < coutG; co++)
                for (int ci = 0; ci < cinG; ci++) {
                    for (int e = 0; e < 64; e++) m[e] = total[((g * 64 + e) * cinG + ci) * coPad + co];
                    for (int ab = 0; ab < 16; ab++) a3(m[ab * 4], m[ab * 4 + 1], m[ab * 4 + 2], m[ab * 4 + 3], t1, ab * 3, 1);
                    for (int a = 0; a < 4; a++)
                        for (int kw = 0; kw < 3; kw++) {
                            int s0 = a * 12 + kw;
                            a3(t1[s0], t1[s0 + 3], t1[s0 + 6], t1[s0 + 9], t2, a * 9 + kw, 3);
                        }
                    int wb = ((g * coutG + co) * cinG + ci) * 27;
                    double[] out = new double[27];
                    for (int r = 0; r < 9; r++) a3(t2[r], t2[r + 9], t2[r + 18], t2[r + 27], out, r, 9);
                    for (int i = 0; i < 27; i++) gw[wb + i] = (float) out[i];
                }
    }

    /** out[o + i * stride] = (A'^T m)_i with A'^T = [[1,1,1,0],[0,1,-1,0],[0,1,1,1]]. */
    private static void a3(double m0, double m1, double m2, double m3, double[] out, int o, int stride) {
        out[o] = m0 + m1 + m2;
        out[o + stride] = m1 - m2;
        out[o + 2 * stride] = m1 + m2 + m3;
    }
}
