package org.screener.core.cpu;

import org.screener.core.Storage;
import org.screener.core.ext.DensityExtension;

import java.util.Arrays;

/**
 * The CPU backend's {@link DensityExtension}. Glow's per-voxel NLL is fused: a block of voxels goes through every
 * step (act-norm, invertible conv, the coupling net's three layers, the affine map) while it sits in cache,
 * instead of each op streaming the whole window (a 64-channel hidden tensor of a 32³ window is 8 MB) through
 * memory. The per-block primitives are {@link DensityCpuScalar} (plain loops, the reference the vector kernel is
 * tested against, and the fallback) and {@code DensityCpuVector} (Vector API, loaded only when
 * jdk.incubator.vector is present). The weights are read straight from their storages on every call (a few
 * thousand floats, next to a window's voxels): nothing is cached, so a parameter update is seen at once.
 * <p>Layout inside a block: row-major (rows, B), B voxels per row, the block's tail padded with zeros (their
 * results are dropped).
 */
public final class DensityCpu implements DensityExtension {
    static final DensityCpu INSTANCE = new DensityCpu();

    private DensityCpu() {}

    /** The instance {@code CpuBackend.extension(DensityExtension.class)} returns. */
    public static DensityCpu instance() { return INSTANCE; }

    /** Which primitives run; AUTO is what the extension uses, the others exist for tests and benchmarks. */
    public enum Path { AUTO, SCALAR, VECTOR }

    /** The per-block primitives; every array is row-major (rows, b). Public for the kernel tests only. */
    public interface Kernel {
        /** y[i][v] = act(bias[i] + Σ_k w[i·k + kk] x[xOff + kk·b + v]) for i < p; bias may be null; act is ReLU or identity. */
        void dense(float[] w, float[] bias, int p, int k, float[] x, int xOff, float[] y, int b, boolean relu);

        /** x[c][v] = (x[c][v] + shift[c])·scale[c]. */
        void affine(float[] x, int d, float[] shift, float[] scale, int b);

        /**
         * Conditional act-norm with per-voxel parameters from pc (2d, b): ls = logScale[c] + pc[d + c][v],
         * x[c][v] = (x[c][v] + shift[c] + pc[c][v])·exp(ls), ld[v] += Σ_c ls.
         */
        void actNormCond(float[] x, int d, float[] shift, float[] logScale, float[] pc, float[] ld, int b);

        /**
         * raw = h[c] + 2: x[half + c] = (x[half + c] + h[rest + c])·sigmoid(raw), ld += log sigmoid(raw); tmp is a
         * free row of b floats.
         */
        void coupling(float[] x, int half, int rest, float[] h, float[] ld, float[] tmp, int b);

        /** nll[off + v] = ½ Σ_c x[c][v]² + constant − ld[v] for v < count. */
        void finish(float[] x, int d, float[] ld, float constant, float[] nll, int off, int count, int b);
    }

    /** Voxels per block: a multiple of 64 (the vector kernel's tile); wide nets get longer rows to reuse each weight more. */
    static int blockSize(int hidden) { return hidden <= 128 ? 64 : 256; }

    private static final class Holder {
        static final Kernel SCALAR = new DensityCpuScalar();
        static final Kernel VECTOR = loadVector();
        static final Kernel BEST = VECTOR != null ? VECTOR : SCALAR;

        private static Kernel loadVector() {
            if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) return null;
            try {
                Kernel k = (Kernel) Class.forName("org.screener.core.cpu.DensityCpuVector").getDeclaredConstructor().newInstance();
                return 64 % ((DensityCpuVector) k).tile() == 0 ? k : null;
            } catch (ReflectiveOperationException | LinkageError e) {
                System.err.println("screener: Vector API density kernel failed to load (" + e + "); the scalar one runs");
                return null;
            }
        }
    }

    /** True when the vector primitives are loaded (the JVM has jdk.incubator.vector). */
    public static boolean vectorAvailable() { return Holder.VECTOR != null; }

    /** The primitives of a path (AUTO: the vector ones when loaded); null for VECTOR when they are not loaded. */
    public static Kernel kernel(Path path) {
        return path == Path.SCALAR ? Holder.SCALAR : path == Path.VECTOR ? Holder.VECTOR : Holder.BEST;
    }

    @Override public void glowNll(GlowWeights w, Storage y, Storage c, int n, long v, Storage nll) {
        glowNll(w, y, c, n, v, nll, Path.AUTO);
    }

    /** {@link #glowNll(GlowWeights, Storage, Storage, int, long, Storage)} on the given primitives. */
    public void glowNll(GlowWeights gw, Storage y, Storage c, int n, long v, Storage nll, Path path) {
        Kernel kernel = kernel(path);
        if (kernel == null) throw new IllegalStateException("DensityCpu: the Vector API kernel is not loaded (run java with --add-modules jdk.incubator.vector)");
        if (n < 0 || v < 0) throw new IllegalArgumentException("DensityCpu.glowNll: bad sizes n=" + n + ", v=" + v);
        if ((c == null) != (gw.dc() == 0))
            throw new IllegalArgumentException("DensityCpu.glowNll: " + (c == null ? "needs a condition with " + gw.dc() + " channels" : "got a condition for an unconditional flow"));
        checkSize("y", y, (long) n * gw.d() * v);
        if (c != null) checkSize("c", c, (long) n * gw.dc() * v);
        checkSize("nll", nll, (long) n * v);
        Weights w = new Weights(gw);
        int vi = Math.toIntExact(v);
        float[] ya = CpuStorage.of(y), ca = CpuStorage.of(c), oa = CpuStorage.of(nll);
        int b = blockSize(w.hidden), perItem = (vi + b - 1) / b;
        Parallel.forRange(n * perItem, 4, (lo, hi) -> {
            Scratch s = new Scratch(w, b);
            for (int blk = lo; blk < hi; blk++) {
                int item = blk / perItem, v0 = (blk % perItem) * b, count = Math.min(b, vi - v0);
                s.load(w, ya, ca, item, v0, count, vi);
                s.run(kernel, w);
                kernel.finish(s.x, w.d, s.ld, w.constant, oa, item * vi + v0, count, b);
            }
        });
    }

    /**
     * Plain float loops in the op-composed order (t = y − μ; t²·e^(−s) + s summed over channels in double, then
     * ·½ + d/2 log 2π); one pass instead of the ops' six over (n, d, v).
     */
    @Override public void gaussianNll(Storage y, Storage mean, Storage logVar, boolean perVoxel, int n, int d, long v, Storage nll) {
        if (n < 0 || d < 1 || v < 0) throw new IllegalArgumentException("DensityCpu.gaussianNll: bad sizes n=" + n + ", d=" + d + ", v=" + v);
        long per = perVoxel ? (long) n * d * v : d;
        checkSize("y", y, (long) n * d * v);
        checkSize("mean", mean, per);
        checkSize("logVar", logVar, per);
        checkSize("nll", nll, (long) n * v);
        float[] ya = CpuStorage.of(y), ma = CpuStorage.of(mean), la = CpuStorage.of(logVar), oa = CpuStorage.of(nll);
        int vi = Math.toIntExact(v);
        float constant = (float) (d * HALF_LOG_2PI);
        float[] expNeg = null;
        if (!perVoxel) {
            expNeg = new float[d];
            for (int j = 0; j < d; j++) expNeg[j] = (float) Math.exp(-la[j]);
        }
        final float[] en = expNeg;
        Parallel.forRange(n * vi, 1 << 12, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                int item = i / vi, p = i - item * vi;
                double acc = 0;
                for (int j = 0; j < d; j++) {
                    int at = (item * d + j) * vi + p;
                    int pj = perVoxel ? at : j;
                    float t = ya[at] - ma[pj];
                    float e = perVoxel ? (float) Math.exp(-la[pj]) : en[j];
                    acc += t * t * e + la[pj];
                }
                oa[i] = (float) acc * 0.5f + constant;
            }
        });
    }

    static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    private static void checkSize(String name, Storage s, long want) {
        if (s == null) throw new IllegalArgumentException("DensityCpu: " + name + " is null");
        if (s.size() != want) throw new IllegalArgumentException("DensityCpu: " + name + " has " + s.size() + " elements, expected " + want);
    }

    /**
     * A Glow's weights as the arrays of their CPU storages (no copies), plus the per-step exp(logScale) of an
     * unconditional act-norm and the voxel-independent part of the NLL, derived in double as before the move.
     */
    static final class Weights {
        final int d, dc, half, rest, hidden, steps;
        final float constant;    // d/2 log 2π − Σ of every voxel-independent log|det|
        final float[][] shift, logScale, scale, condW, invW, w1, b1, w2, b2, w3, b3;

        Weights(GlowWeights g) {
            d = g.d();
            dc = g.dc();
            half = d / 2;
            rest = d - half;
            steps = g.steps();
            hidden = g.hidden();
            shift = arrays(g.shift());
            logScale = arrays(g.logScale());
            condW = dc > 0 ? arrays(g.condWeight()) : new float[steps][];
            invW = arrays(g.invWeight());
            w1 = arrays(g.w1());
            b1 = arrays(g.b1());
            w2 = arrays(g.w2());
            b2 = arrays(g.b2());
            w3 = arrays(g.w3());
            b3 = arrays(g.b3());
            scale = new float[steps][];
            double constLd = 0;
            for (int k = 0; k < steps; k++) {
                if (dc == 0) {
                    scale[k] = new float[d];
                    for (int j = 0; j < d; j++) {
                        scale[k][j] = (float) Math.exp(logScale[k][j]);
                        constLd += logScale[k][j];
                    }
                }
                constLd += CpuStorage.of(g.invLogAbsDet()[k])[0];
            }
            constant = (float) (d * HALF_LOG_2PI - constLd);
        }

        private static float[][] arrays(Storage[] s) {
            float[][] a = new float[s.length][];
            for (int k = 0; k < s.length; k++) a[k] = CpuStorage.of(s[k]);
            return a;
        }
    }

    /** One thread's block buffers. */
    private static final class Scratch {
        final int b;
        float[] x, t;               // the voxels' channels (d, b), and the invertible conv's output
        final float[] in, h1, h2, h, pc, ld, tmp;

        Scratch(Weights w, int b) {
            this.b = b;
            x = new float[w.d * b];
            t = new float[w.d * b];
            in = new float[(w.half + w.dc) * b];     // the coupling net's input: [x_a; condition]
            h1 = new float[w.hidden * b];
            h2 = new float[w.hidden * b];
            h = new float[2 * w.rest * b];
            pc = w.dc > 0 ? new float[2 * w.d * b] : null;
            ld = new float[b];
            tmp = new float[b];
        }

        void load(Weights w, float[] y, float[] c, int item, int v0, int count, int v) {
            for (int ch = 0; ch < w.d; ch++) gather(y, ((long) item * w.d + ch) * v + v0, count, x, ch * b);
            if (c != null)
                for (int ch = 0; ch < w.dc; ch++) gather(c, ((long) item * w.dc + ch) * v + v0, count, in, (w.half + ch) * b);
            Arrays.fill(ld, 0f);
        }

        private void gather(float[] src, long from, int count, float[] dst, int to) {
            System.arraycopy(src, (int) from, dst, to, count);
            Arrays.fill(dst, to + count, to + b, 0f);
        }

        void run(Kernel k, Weights w) {
            int d = w.d;
            for (int s = 0; s < w.steps; s++) {
                if (w.dc > 0) {
                    k.dense(w.condW[s], null, 2 * d, w.dc, in, w.half * b, pc, b, false);
                    k.actNormCond(x, d, w.shift[s], w.logScale[s], pc, ld, b);
                } else k.affine(x, d, w.shift[s], w.scale[s], b);
                k.dense(w.invW[s], null, d, d, x, 0, t, b, false);
                float[] swap = x;
                x = t;
                t = swap;
                System.arraycopy(x, 0, in, 0, w.half * b);
                k.dense(w.w1[s], w.b1[s], w.hidden, w.half + w.dc, in, 0, h1, b, true);
                k.dense(w.w2[s], w.b2[s], w.hidden, w.hidden, h1, 0, h2, b, true);
                k.dense(w.w3[s], w.b3[s], 2 * w.rest, w.hidden, h2, 0, h, b, false);
                k.coupling(x, w.half, w.rest, h, ld, tmp, b);
            }
        }
    }
}
