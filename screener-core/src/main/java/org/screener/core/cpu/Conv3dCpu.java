package org.screener.core.cpu;

import org.screener.core.ConvParams;

import java.util.Arrays;

/**
 * Fast 3D convolution on float arrays (NCDHW), forward and both backward passes, without a full im2col
 * matrix. Everything reduces to the small {@link ConvGemm} tile product on bounded per-thread buffers:
 * <ul>
 * <li>Winograd F(2×2×2, 3×3×3) ({@link Conv3dWinograd}) for 3×3×3 stride-1 undilated convs with at least 8
 *     channels per group: forward, backwardData (as a forward conv) and backwardWeight (F(3×3×3, 2×2×2)).</li>
 * <li>"direct" (stride 1 in H and W): B is read straight out of the (zero-padded copy of the) input through
 *     a row-offset table; a tile is a run of output positions of one plane laid out with the padded row
 *     length, so the few wrap-around columns are computed and dropped. 1×1×1 convs need no copy: a plain GEMM.</li>
 * <li>"im2col" (other strides, e.g. 2×2×2 stride-2 downsampling, where patches do not overlap): patches of a
 *     tile of output voxels are gathered into a K × T buffer.</li>
 * <li>backwardData with stride 1 is the forward conv of gy with the flipped, transposed weight; otherwise a
 *     tile product W^T·gy followed by col2im, with depth slabs done in two phases so no two threads add to
 *     the same voxel.</li>
 * <li>backwardWeight accumulates per-chunk partial K × Cout grads, summed at the end in chunk order.</li>
 * </ul>
 */
public final class Conv3dCpu {
    private Conv3dCpu() {}

    private static final ConvGemm SCALAR = new ConvGemmScalar();
    private static final ConvGemm VECTOR = loadVector();
    private static volatile boolean forceScalar;

    private static ConvGemm loadVector() {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            System.err.println("screener: jdk.incubator.vector not present; conv3d runs scalar kernels"
                    + " (add --add-modules=jdk.incubator.vector)");
            return null;
        }
        try {
            return (ConvGemm) Class.forName("org.screener.core.cpu.ConvGemmVector").getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            System.err.println("screener: Vector API unusable (" + e + "); conv3d runs scalar kernels");
            return null;
        }
    }

    /** Tests and benchmarks: run the scalar kernel even when the Vector API is present. */
    public static void forceScalar(boolean on) { forceScalar = on; }

    /** True when the Vector API kernel is in use. */
    public static boolean vectorized() { return VECTOR != null && !forceScalar; }

    private static ConvGemm kernel() { return vectorized() ? VECTOR : SCALAR; }

    /** Columns per tile: a multiple of the kernel width, about 128 (override: -Dscreener.conv.tile). */
    private static int tileCols(ConvGemm k) {
        int t = Integer.getInteger("screener.conv.tile", 128);
        return Math.max(1, (t + k.width() - 1) / k.width()) * k.width();
    }

    private static int roundUp(int v, int m) { return (v + m - 1) / m * m; }

    private static void check(String op, String what, float[] a, long need) {
        if (a == null || a.length < need)
            throw new IllegalArgumentException("conv3d " + op + ": " + what + " has " + (a == null ? "no" : a.length)
                    + " elements, needs " + need);
    }

    // ---- forward --------------------------------------------------------------------------------------------

    public static void forward(ConvParams p, float[] x, float[] w, float[] bias, float[] y) {
        check("forward", "x", x, (long) p.n * p.cin * p.inVoxels());
        check("forward", "w", w, (long) p.cout * (p.cin / p.groups) * p.kernelVolume());
        check("forward", "y", y, (long) p.n * p.cout * p.outVoxels());
        if (bias != null) check("forward", "bias", bias, p.cout);
        forwardAny(p, x, w, bias, y);
    }

    private static void forwardAny(ConvParams p, float[] x, float[] w, float[] bias, float[] y) {
        ConvGemm k = kernel();
        if (Conv3dWinograd.applies(p, k)) Conv3dWinograd.forward(p, x, w, bias, y, k);
        else if (p.stride[1] == 1 && p.stride[2] == 1) forwardDirect(p, x, w, bias, y);
        else forwardIm2col(p, x, w, bias, y);
    }

    /** Geometry of the direct path: the (possibly padded) input of a batch of sample-groups and the B row offsets. */
    private static final class Direct {
        final int Dp, Hp, Wp, planeP, volP, nU, tpp, T, K;
        /** Tiles run over the padded positions of one output plane (depth stride > 1) or of the whole volume. */
        final int blocks;
        final int[] boff;
        final boolean padded;
        /**
         * Sample-groups padded and run per parallel loop. Small levels (8³: 7 tiles of one sample) gave each
         * sample its own copy and its own fork-join round, so a second thread mostly waited at the joins; one
         * round over all samples' tiles spreads 28 tiles instead of 7 over the threads.
         */
        final int sb;
        /** Floats between consecutive sample-groups in xp. */
        final int sgStride;
        final float[] xp;

        Direct(ConvParams p, int T0, int width) {
            int cinG = p.cin / p.groups;
            Dp = p.in[0] + 2 * p.pad[0]; Hp = p.in[1] + 2 * p.pad[1]; Wp = p.in[2] + 2 * p.pad[2];
            planeP = Hp * Wp; volP = Dp * planeP;
            // with depth stride 1 consecutive output planes are planeP apart too: one run covers the volume
            blocks = p.stride[0] == 1 ? 1 : p.out[0];
            nU = (p.stride[0] == 1 ? (p.out[0] - 1) * planeP : 0) + (p.out[1] - 1) * Wp + p.out[2];
            // as many tiles as T0 columns need, evened out: at 8³ 778 columns in tiles of 128 left the last
            // tile 10 columns of work and 118 of padding
            int tiles = (nU + T0 - 1) / T0;
            T = Math.min(T0, roundUp((nU + tiles - 1) / tiles, width));
            tpp = (nU + T - 1) / T;
            int kv = (int) p.kernelVolume();
            K = cinG * kv;
            boff = new int[K];
            for (int ci = 0, q = 0; ci < cinG; ci++)
                for (int kd = 0; kd < p.kernel[0]; kd++)
                    for (int kh = 0; kh < p.kernel[1]; kh++)
                        for (int kw = 0; kw < p.kernel[2]; kw++)
                            boff[q++] = ci * volP + kd * p.dilation[0] * planeP + kh * p.dilation[1] * Wp + kw * p.dilation[2];
            padded = p.pad[0] > 0 || p.pad[1] > 0 || p.pad[2] > 0;
            sgStride = cinG * volP;
            // a batch of padded copies up to 4 M floats (16 MB; -Dscreener.conv.directBatch); large volumes keep
            // one sample-group at a time
            int sgs = p.n * p.groups;
            long cap = Long.getLong("screener.conv.directBatch", 4L << 20);
            sb = padded ? (int) Math.max(1, Math.min(sgs, cap / Math.max(1, sgStride))) : sgs;
            xp = padded ? scratchVolume(sb * sgStride + 2 * T) : null;
        }

        /** Zero-padded copies of sample-groups [s0, s0+sn) into xp (borders stay zero between calls). */
        void fill(ConvParams p, float[] x, int s0, int sn) {
            int D = p.in[0], H = p.in[1], W = p.in[2];
            int cinG = p.cin / p.groups;
            long inVol = p.inVoxels();
            Parallel.forRange(sn * cinG * D, 4, (lo, hi) -> {
                for (int scd = lo; scd < hi; scd++) {
                    int s = scd / (cinG * D), cd = scd % (cinG * D), c = cd / D, d = cd % D;
                    long off = (long) (s0 + s) * cinG * inVol;
                    for (int h = 0; h < H; h++)
                        System.arraycopy(x, (int) (off + ((long) (c * D + d) * H + h) * W), xp,
                                s * sgStride + c * volP + ((d + p.pad[0]) * Hp + h + p.pad[1]) * Wp + p.pad[2], W);
                }
            });
        }

        /** Offset of sample-group s (of the batch starting at s0) in the B/A source. */
        int srcOff(ConvParams p, int s0, int s) {
            return padded ? (s - s0) * sgStride : (int) ((long) s * (p.cin / p.groups) * p.inVoxels());
        }
    }

    private static void forwardDirect(ConvParams p, float[] x, float[] w, float[] bias, float[] y) {
        ConvGemm k = kernel();
        int coutG = p.cout / p.groups;
        int OH = p.out[1], OW = p.out[2];
        Direct g0 = new Direct(p, tileCols(k), k.width());
        int T = g0.T, K = g0.K;
        int[] aoff = new int[coutG];
        for (int r = 0; r < coutG; r++) aoff[r] = r * K;
        int[] seqOff = new int[K];
        for (int q = 0; q < K; q++) seqOff[q] = q * T;
        long outVol = p.outVoxels();
        int sgs = p.n * p.groups, tilesPer = g0.blocks * g0.tpp;
        float[] src = g0.padded ? g0.xp : x;
        for (int s0 = 0; s0 < sgs; s0 += g0.sb) {
            int sn = Math.min(g0.sb, sgs - s0), first = s0;
            if (g0.padded) g0.fill(p, x, s0, sn);
            Parallel.forRange(sn * tilesPer, 1, (lo, hi) -> {
                float[] ct = new float[coutG * T];
                float[] scratch = null;
                for (int t = lo; t < hi; t++) {
                    int s = first + t / tilesPer, tt = t % tilesPer, g = s % p.groups;
                    int od = tt / g0.tpp, u0 = (tt % g0.tpp) * T;
                    int base = g0.srcOff(p, first, s) + od * p.stride[0] * g0.planeP + u0;
                    float[] b = src;
                    int bo = base;
                    int[] boff = g0.boff;
                    if (base + g0.boff[K - 1] + T > src.length) {
                        if (scratch == null) scratch = new float[K * T];
                        gather(src, base, g0.boff, K, T, scratch);
                        b = scratch; bo = 0; boff = seqOff;
                    }
                    k.gemm(coutG, T, K, w, g * coutG * K, aoff, b, bo, boff, ct, 0, T, false);
                    int yOff = (int) ((long) s * coutG * outVol);
                    storeRows(ct, T, coutG, u0, Math.min(u0 + T, g0.nU), g0, OH, OW, y,
                            yOff + od * OH * OW, (int) outVol, bias, g * coutG);
                }
            });
        }
    }

    /** scratch[q*T + j] = src[base + off[q] + j], zero past the end of src. */
    private static void gather(float[] src, int base, int[] off, int K, int T, float[] scratch) {
        for (int q = 0; q < K; q++) {
            int s = base + off[q];
            int n = Math.max(0, Math.min(T, src.length - s));
            System.arraycopy(src, s, scratch, q * T, n);
            Arrays.fill(scratch, q * T + n, q * T + T, 0f);
        }
    }

    /**
     * Copies tile columns u in [u0, uEnd) (u = pd * planeP + oh * Wp + ow past the block's first plane) that are
     * real output positions (oh < OH, ow < OW) into y, adding bias.
     */
    private static void storeRows(float[] ct, int T, int rows, int u0, int uEnd, Direct g0, int OH, int OW, float[] y,
                                  int blockOff, int chanStride, float[] bias, int c0) {
        int u = u0, Wp = g0.Wp, planeP = g0.planeP;
        while (u < uEnd) {
            int pd = u / planeP, r = u - pd * planeP, oh = r / Wp, ow = r - oh * Wp;
            int run = Math.min(uEnd - u, Wp - ow);
            int valid = oh < OH ? Math.min(run, OW - ow) : 0;
            for (int c = 0; c < rows && valid > 0; c++) {
                int src = c * T + (u - u0), dst = blockOff + c * chanStride + (pd * OH + oh) * OW + ow;
                float bv = bias == null ? 0f : bias[c0 + c];
                for (int j = 0; j < valid; j++) y[dst + j] = ct[src + j] + bv;
            }
            u += run;
        }
    }

    private static final ThreadLocal<java.lang.ref.SoftReference<float[]>> SCRATCH = new ThreadLocal<>();

    /**
     * A zeroed buffer of at least n floats for the padded copy, kept per calling thread between calls (softly)
     * to spare the allocator 30+ MB per call. Only interiors are overwritten, so the borders stay zero.
     */
    static float[] scratchVolume(int n) { return scratchVolume(n, true); }

    /** As above; with zeroed false the old contents stay (callers that overwrite everything they read). */
    static float[] scratchVolume(int n, boolean zeroed) {
        java.lang.ref.SoftReference<float[]> ref = SCRATCH.get();
        float[] a = ref == null ? null : ref.get();
        if (a == null || a.length < n || a.length > 2L * n + (1 << 20)) {
            a = new float[n];
            SCRATCH.set(new java.lang.ref.SoftReference<>(a));
            return a;
        }
        if (zeroed) {   // a different geometry used it before
            float[] z = a;
            Parallel.forRange(a.length, 1 << 16, (lo, hi) -> Arrays.fill(z, lo, hi, 0f));
        }
        return a;
    }

    /** Patches of output voxels [v0, v0+len) of one sample-group: buf[q*T + j]. */
    private static void im2col(ConvParams p, float[] x, long xOff, int cinG, int v0, int len, float[] buf, int T) {
        int D = p.in[0], H = p.in[1], W = p.in[2];
        int OH = p.out[1], OW = p.out[2];
        int kD = p.kernel[0], kH = p.kernel[1], kW = p.kernel[2];
        int sd = p.stride[0], sh = p.stride[1], sw = p.stride[2];
        int v = v0, end = v0 + len;
        while (v < end) {
            int od = v / (OH * OW), rem = v - od * OH * OW, oh = rem / OW, ow = rem - oh * OW;
            int seg = Math.min(OW - ow, end - v), col = v - v0;
            for (int ci = 0, q = 0; ci < cinG; ci++)
                for (int kd = 0; kd < kD; kd++) {
                    int id = od * sd - p.pad[0] + kd * p.dilation[0];
                    for (int kh = 0; kh < kH; kh++) {
                        int ih = oh * sh - p.pad[1] + kh * p.dilation[1];
                        boolean rowOk = id >= 0 && id < D && ih >= 0 && ih < H;
                        long rowBase = xOff + ((long) (ci * D + id) * H + ih) * W;
                        for (int kw = 0; kw < kW; kw++, q++) {
                            int dst = q * T + col;
                            if (!rowOk) { Arrays.fill(buf, dst, dst + seg, 0f); continue; }
                            int iw0 = ow * sw - p.pad[2] + kw * p.dilation[2];
                            for (int j = 0; j < seg; j++) {
                                int iw = iw0 + j * sw;
                                buf[dst + j] = iw >= 0 && iw < W ? x[(int) (rowBase + iw)] : 0f;
                            }
                        }
                    }
                }
            v += seg;
        }
    }

    private static void forwardIm2col(ConvParams p, float[] x, float[] w, float[] bias, float[] y) {
        ConvGemm k = kernel();
        int cinG = p.cin / p.groups, coutG = p.cout / p.groups;
        int K = cinG * (int) p.kernelVolume(), T = tileCols(k);
        int outVol = (int) p.outVoxels();
        int tiles = (outVol + T - 1) / T;
        int[] aoff = new int[coutG];
        for (int r = 0; r < coutG; r++) aoff[r] = r * K;
        int[] seqOff = new int[K];
        for (int q = 0; q < K; q++) seqOff[q] = q * T;
        Parallel.forRange(p.n * p.groups * tiles, 1, (lo, hi) -> {
            float[] buf = new float[K * T], ct = new float[coutG * T];
            for (int t = lo; t < hi; t++) {
                int ng = t / tiles, n = ng / p.groups, g = ng % p.groups;
                int v0 = (t % tiles) * T, len = Math.min(T, outVol - v0);
                im2col(p, x, (long) (n * p.cin + g * cinG) * p.inVoxels(), cinG, v0, len, buf, T);
                k.gemm(coutG, T, K, w, g * coutG * K, aoff, buf, 0, seqOff, ct, 0, T, false);
                int yOff = (n * p.cout + g * coutG) * outVol + v0;
                for (int r = 0; r < coutG; r++) {
                    float bv = bias == null ? 0f : bias[g * coutG + r];
                    for (int j = 0; j < len; j++) y[yOff + r * outVol + j] = ct[r * T + j] + bv;
                }
            }
        });
    }

    // ---- backward data --------------------------------------------------------------------------------------

    public static void backwardData(ConvParams p, float[] gy, float[] w, float[] gx) {
        check("backwardData", "gy", gy, (long) p.n * p.cout * p.outVoxels());
        check("backwardData", "w", w, (long) p.cout * (p.cin / p.groups) * p.kernelVolume());
        check("backwardData", "gx", gx, (long) p.n * p.cin * p.inVoxels());
        boolean asForward = true;
        for (int a = 0; a < 3; a++)
            if (p.stride[a] != 1 || p.pad[a] > p.dilation[a] * (p.kernel[a] - 1)) asForward = false;
        if (asForward) backwardDataAsForward(p, gy, w, gx);
        else backwardDataCol2im(p, gy, w, gx);
    }

    /** Stride 1: gx = conv(gy, flip(w)^T) with padding dilation*(k-1) - pad. */
    private static void backwardDataAsForward(ConvParams p, float[] gy, float[] w, float[] gx) {
        int cinG = p.cin / p.groups, coutG = p.cout / p.groups, kv = (int) p.kernelVolume();
        float[] wf = new float[w.length];
        for (int g = 0; g < p.groups; g++)
            for (int co = 0; co < coutG; co++)
                for (int ci = 0; ci < cinG; ci++) {
                    int s = ((g * coutG + co) * cinG + ci) * kv, d = ((g * cinG + ci) * coutG + co) * kv;
                    for (int i = 0; i < kv; i++) wf[d + kv - 1 - i] = w[s + i];
                }
        int[] pad2 = new int[3];
        for (int a = 0; a < 3; a++) pad2[a] = p.dilation[a] * (p.kernel[a] - 1) - p.pad[a];
        ConvParams q = new ConvParams(p.n, p.cout, p.cin, p.out, p.kernel, new int[]{1, 1, 1}, pad2, p.dilation, p.groups);
        if (!Arrays.equals(q.out, p.in)) throw new IllegalStateException("conv3d backwardData: transposed geometry " + q + " vs " + p);
        forwardAny(q, gy, wf, null, gx);
    }

    private static void backwardDataCol2im(ConvParams p, float[] gy, float[] w, float[] gx) {
        ConvGemm k = kernel();
        int cinG = p.cin / p.groups, coutG = p.cout / p.groups, kv = (int) p.kernelVolume();
        int K = cinG * kv, T = tileCols(k);
        int OD = p.out[0], plane = p.out[1] * p.out[2], outVol = (int) p.outVoxels();
        // W^T per group: row q, column co
        float[] wt = new float[p.groups * K * coutG];
        for (int g = 0; g < p.groups; g++)
            for (int co = 0; co < coutG; co++)
                for (int q = 0; q < K; q++) wt[(g * K + q) * coutG + co] = w[(g * coutG + co) * K + q];
        int[] aoff = new int[K];
        for (int q = 0; q < K; q++) aoff[q] = q * coutG;
        int[] boffGy = new int[coutG];
        for (int r = 0; r < coutG; r++) boffGy[r] = r * outVol;
        int[] seqOff = new int[Math.max(K, coutG)];
        for (int q = 0; q < seqOff.length; q++) seqOff[q] = q * T;
        Arrays.fill(gx, 0, (int) ((long) p.n * p.cin * p.inVoxels()), 0f);
        // depth slabs of ch output planes; slabs c and c+2 touch disjoint input planes
        int reach = p.dilation[0] * (p.kernel[0] - 1) + 1;
        int ch = Math.max(1, (reach + p.stride[0] - 1) / p.stride[0]);
        int slabs = (OD + ch - 1) / ch;
        boolean overlap = reach > p.stride[0];
        int phases = overlap ? 2 : 1;
        for (int phase = 0; phase < phases; phase++) {
            int perNg = overlap ? (slabs - phase + 1) / 2 : slabs;
            int ph = phase;
            Parallel.forRange(p.n * p.groups * perNg, 1, (lo, hi) -> {
                float[] col = new float[K * T];
                float[] scratch = null;
                for (int t = lo; t < hi; t++) {
                    int ng = t / perNg, n = ng / p.groups, g = ng % p.groups;
                    int slab = overlap ? 2 * (t % perNg) + ph : t % perNg;
                    int vStart = slab * ch * plane, vEnd = Math.min(OD, (slab + 1) * ch) * plane;
                    int gyOff = (n * p.cout + g * coutG) * outVol;
                    long gxOff = (long) (n * p.cin + g * cinG) * p.inVoxels();
                    for (int v0 = vStart; v0 < vEnd; v0 += T) {
                        int len = Math.min(T, vEnd - v0);
                        float[] b = gy;
                        int bo = gyOff + v0;
                        int[] boff = boffGy;
                        if (bo + boffGy[coutG - 1] + T > gy.length) {
                            if (scratch == null) scratch = new float[coutG * T];
                            gather(gy, bo, boffGy, coutG, T, scratch);
                            b = scratch; bo = 0; boff = seqOff;
                        }
                        k.gemm(K, T, coutG, wt, g * K * coutG, aoff, b, bo, boff, col, 0, T, false);
                        col2im(p, col, T, cinG, v0, len, gx, gxOff);
                    }
                }
            });
        }
    }

    /** gx += the patches in col (inverse of im2col). */
    private static void col2im(ConvParams p, float[] col, int T, int cinG, int v0, int len, float[] gx, long xOff) {
        int D = p.in[0], H = p.in[1], W = p.in[2];
        int OH = p.out[1], OW = p.out[2];
        int kD = p.kernel[0], kH = p.kernel[1], kW = p.kernel[2];
        int v = v0, end = v0 + len;
        while (v < end) {
            int od = v / (OH * OW), rem = v - od * OH * OW, oh = rem / OW, ow = rem - oh * OW;
            int seg = Math.min(OW - ow, end - v), c0 = v - v0;
            for (int ci = 0, q = 0; ci < cinG; ci++)
                for (int kd = 0; kd < kD; kd++) {
                    int id = od * p.stride[0] - p.pad[0] + kd * p.dilation[0];
                    for (int kh = 0; kh < kH; kh++) {
                        int ih = oh * p.stride[1] - p.pad[1] + kh * p.dilation[1];
                        if (id < 0 || id >= D || ih < 0 || ih >= H) { q += kW; continue; }
                        long rowBase = xOff + ((long) (ci * D + id) * H + ih) * W;
                        for (int kw = 0; kw < kW; kw++, q++) {
                            int iw0 = ow * p.stride[2] - p.pad[2] + kw * p.dilation[2], src = q * T + c0;
                            for (int j = 0; j < seg; j++) {
                                int iw = iw0 + j * p.stride[2];
                                if (iw >= 0 && iw < W) gx[(int) (rowBase + iw)] += col[src + j];
                            }
                        }
                    }
                }
            v += seg;
        }
    }

    // ---- backward weight ------------------------------------------------------------------------------------

    public static void backwardWeight(ConvParams p, float[] x, float[] gy, float[] gw, float[] gb) {
        check("backwardWeight", "x", x, (long) p.n * p.cin * p.inVoxels());
        check("backwardWeight", "gy", gy, (long) p.n * p.cout * p.outVoxels());
        check("backwardWeight", "gw", gw, (long) p.cout * (p.cin / p.groups) * p.kernelVolume());
        if (gb != null) {
            check("backwardWeight", "gb", gb, p.cout);
            int outVol = (int) p.outVoxels();
            Parallel.forRange(p.cout, 1, (lo, hi) -> {
                for (int c = lo; c < hi; c++) {
                    double s = 0;
                    for (int n = 0; n < p.n; n++) {
                        int o = (n * p.cout + c) * outVol;
                        float part = 0;
                        for (int i = 0; i < outVol; i++) part += gy[o + i];
                        s += part;
                    }
                    gb[c] = (float) s;
                }
            });
        }
        ConvGemm k = kernel();
        if (Conv3dWinograd.appliesWeight(p, k)) {
            Conv3dWinograd.backwardWeight(p, x, gy, gw, k);
            return;
        }
        int cinG = p.cin / p.groups, coutG = p.cout / p.groups;
        int K = cinG * (int) p.kernelVolume(), coPad = roundUp(coutG, k.width());
        float[] total = new float[p.groups * K * coPad];
        if (p.stride[1] == 1 && p.stride[2] == 1) backwardWeightDirect(p, x, gy, k, total, coPad);
        else backwardWeightIm2col(p, x, gy, k, total, coPad);
        for (int g = 0; g < p.groups; g++)
            for (int co = 0; co < coutG; co++)
                for (int q = 0; q < K; q++) gw[(g * coutG + co) * K + q] = total[(g * K + q) * coPad + co];
    }

    private static void backwardWeightDirect(ConvParams p, float[] x, float[] gy, ConvGemm k, float[] total, int coPad) {
        int coutG = p.cout / p.groups;
        int OH = p.out[1], OW = p.out[2];
        Direct g0 = new Direct(p, tileCols(k), k.width());
        int T = g0.T, K = g0.K, Wp = g0.Wp;
        int[] gyOff = new int[T];
        for (int u = 0; u < T; u++) gyOff[u] = u * coPad;
        int[] seqOff = new int[K];
        for (int q = 0; q < K; q++) seqOff[q] = q * T;
        long outVol = p.outVoxels();
        int sgs = p.n * p.groups, tilesPer = g0.blocks * g0.tpp;
        float[] src = g0.padded ? g0.xp : x;
        for (int s0 = 0; s0 < sgs; s0 += g0.sb) {
            int sn = Math.min(g0.sb, sgs - s0), first = s0;
            if (g0.padded) g0.fill(p, x, s0, sn);
            Parallel.OrderedSum sums = new Parallel.OrderedSum();
            Parallel.forRange(sn * tilesPer, 1, (lo, hi) -> {
                // partials per group: a chunk may span sample-groups of several groups
                float[] part = new float[p.groups * K * coPad], gyt = new float[T * coPad];
                float[] scratch = null;
                for (int t = lo; t < hi; t++) {
                    int s = first + t / tilesPer, tt = t % tilesPer, g = s % p.groups;
                    int yOff = (int) ((long) s * coutG * outVol);
                    int od = tt / g0.tpp, u0 = (tt % g0.tpp) * T, uEnd = Math.min(u0 + T, g0.nU);
                    // gy of this tile transposed to (u, co); wrap-around columns stay zero
                    Arrays.fill(gyt, 0f);
                    for (int u = u0; u < uEnd; ) {
                        int pd = u / g0.planeP, rr = u - pd * g0.planeP, oh = rr / Wp, ow = rr - oh * Wp;
                        int run = Math.min(uEnd - u, Wp - ow), valid = oh < OH ? Math.min(run, OW - ow) : 0;
                        for (int co = 0; co < coutG; co++) {
                            int sIdx = yOff + co * (int) outVol + ((od + pd) * OH + oh) * OW + ow;
                            for (int j = 0; j < valid; j++) gyt[(u - u0 + j) * coPad + co] = gy[sIdx + j];
                        }
                        u += run;
                    }
                    int base = g0.srcOff(p, first, s) + od * p.stride[0] * g0.planeP + u0;
                    float[] a = src;
                    int ao = base;
                    int[] aoff = g0.boff;
                    if (base + g0.boff[K - 1] + T > src.length) {
                        if (scratch == null) scratch = new float[K * T];
                        gather(src, base, g0.boff, K, T, scratch);
                        a = scratch; ao = 0; aoff = seqOff;
                    }
                    k.gemm(K, coPad, uEnd - u0, a, ao, aoff, gyt, 0, gyOff, part, g * K * coPad, coPad, true);
                }
                sums.put(lo, part);
            });
            sums.addInto(total, 0);
        }
    }

    private static void backwardWeightIm2col(ConvParams p, float[] x, float[] gy, ConvGemm k, float[] total, int coPad) {
        int cinG = p.cin / p.groups, coutG = p.cout / p.groups;
        int K = cinG * (int) p.kernelVolume(), T = tileCols(k);
        int outVol = (int) p.outVoxels();
        int tiles = (outVol + T - 1) / T;
        int[] seqOff = new int[K];
        for (int q = 0; q < K; q++) seqOff[q] = q * T;
        int[] gyOff = new int[T];
        for (int u = 0; u < T; u++) gyOff[u] = u * coPad;
        Parallel.OrderedSum sums = new Parallel.OrderedSum();
        Parallel.forRange(p.n * p.groups * tiles, 1, (lo, hi) -> {
            float[] buf = new float[K * T], gyt = new float[T * coPad];
            float[] part = new float[p.groups * K * coPad];
            for (int t = lo; t < hi; t++) {
                int ng = t / tiles, n = ng / p.groups, g = ng % p.groups;
                int v0 = (t % tiles) * T, len = Math.min(T, outVol - v0);
                im2col(p, x, (long) (n * p.cin + g * cinG) * p.inVoxels(), cinG, v0, len, buf, T);
                int yOff = (n * p.cout + g * coutG) * outVol + v0;
                for (int co = 0; co < coutG; co++)
                    for (int j = 0; j < len; j++) gyt[j * coPad + co] = gy[yOff + co * outVol + j];
                k.gemm(K, coPad, len, buf, 0, seqOff, gyt, 0, gyOff, part, g * K * coPad, coPad, true);
            }
            sums.put(lo, part);
        });
        sums.addInto(total, 0);
    }
}
