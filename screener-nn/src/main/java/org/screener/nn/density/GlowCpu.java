package org.screener.nn.density;

import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.cpu.CpuStorage;
import org.screener.core.cpu.Parallel;
import org.screener.core.ops.Linalg;

import java.util.Map;

/**
 * Glow's per-voxel NLL at inference on the CPU, fused: a block of voxels goes through every step (act-norm,
 * invertible conv, the coupling net's three layers, the affine map) while it sits in cache, instead of each op
 * streaming the whole window (a 64-channel hidden tensor of a 32³ window is 8 MB) through memory. The same math
 * as {@link Glow#nll}; {@link Glow#nll} takes this path when autograd is off and the tensors are the CPU
 * backend's. The per-block primitives are {@link GlowCpuScalar} (plain loops, the reference) and
 * {@code GlowCpuVector} (Vector API, loaded only when jdk.incubator.vector is present).
 * <p>Layout inside a block: row-major (rows, B), B voxels per row, the block's tail padded with zeros (their
 * results are dropped).
 */
public final class GlowCpu {
    private GlowCpu() {}

    /** Which primitives run; AUTO is what {@link Glow#nll} uses, the others exist for tests and benchmarks. */
    public enum Path { AUTO, SCALAR, VECTOR }

    /** The per-block primitives; every array is row-major (rows, b). */
    interface Kernel {
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
        static final Kernel SCALAR = new GlowCpuScalar();
        static final Kernel VECTOR = loadVector();
        static final Kernel BEST = VECTOR != null ? VECTOR : SCALAR;

        private static Kernel loadVector() {
            if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) return null;
            try {
                Kernel k = (Kernel) Class.forName("org.screener.nn.density.GlowCpuVector").getDeclaredConstructor().newInstance();
                return 64 % ((GlowCpuVector) k).tile() == 0 ? k : null;
            } catch (ReflectiveOperationException | LinkageError e) {
                System.err.println("screener: Vector API Glow kernel failed to load (" + e + "); the scalar one runs");
                return null;
            }
        }
    }

    /** True when the vector primitives are loaded (the JVM has jdk.incubator.vector). */
    public static boolean vectorAvailable() { return Holder.VECTOR != null; }

    /** Whether {@link #nll} can score these inputs: CPU tensors, autograd off, every act-norm initialised. */
    static boolean applies(Glow g, Tensor y, Tensor c) {
        if (Autograd.isEnabled() || !(y.storage() instanceof CpuStorage)) return false;
        if (c != null && !(c.storage() instanceof CpuStorage)) return false;
        for (Glow.Step s : g.steps())
            if (s instanceof Glow.ActNorm && !((Glow.ActNorm) s).isInitialized()) return false;
        return true;
    }

    /** The per-voxel NLL (N, D, H, W) of y given c, as {@link Glow#nll}. */
    public static Tensor nll(Glow g, Tensor y, Tensor c) { return nll(g, y, c, Path.AUTO); }

    public static Tensor nll(Glow g, Tensor y, Tensor c, Path path) {
        g.checkInputs(y, c);
        if (!applies(g, y, c))
            throw new IllegalArgumentException("GlowCpu: needs CPU tensors, autograd off (Autograd.noGrad()) and initialised act-norms");
        Kernel kernel = path == Path.SCALAR ? Holder.SCALAR : path == Path.VECTOR ? Holder.VECTOR : Holder.BEST;
        if (kernel == null) throw new IllegalStateException("GlowCpu: the Vector API kernel is not loaded (run java with --add-modules jdk.incubator.vector)");
        Weights w = new Weights(g);
        int n = y.dim(0), v = y.dim(2) * y.dim(3) * y.dim(4);
        Tensor out = Tensor.zeros(y.backend(), n, y.dim(2), y.dim(3), y.dim(4));
        float[] ya = CpuStorage.of(y.storage()), ca = c == null ? null : CpuStorage.of(c.storage()), oa = CpuStorage.of(out.storage());
        int b = blockSize(w.hidden), perItem = (v + b - 1) / b;
        Parallel.forRange(n * perItem, 4, (lo, hi) -> {
            Scratch s = new Scratch(w, b);
            for (int blk = lo; blk < hi; blk++) {
                int item = blk / perItem, v0 = (blk % perItem) * b, count = Math.min(b, v - v0);
                s.load(w, ya, ca, item, v0, count, v);
                s.run(kernel, w);
                kernel.finish(s.x, w.d, s.ld, w.constant, oa, item * v + v0, count, b);
            }
        });
        return out;
    }

    /** A Glow's parameters as plain arrays, read once per call (a few thousand floats, next to a window's voxels). */
    static final class Weights {
        final int d, dc, half, rest, hidden, steps;
        final float constant;    // d/2 log 2π − Σ of every voxel-independent log|det|
        final float[][] shift, logScale, scale, condW, invW, w1, b1, w2, b2, w3, b3;

        Weights(Glow g) {
            d = g.channels;
            dc = g.conditionChannels;
            half = d / 2;
            rest = d - half;
            steps = g.steps().size() / 3;
            Map<String, Tensor> p = g.stateDict();
            hidden = p.get("steps.0.coupling.net.0.bias").dim(0);
            shift = new float[steps][];
            logScale = new float[steps][];
            scale = new float[steps][];
            condW = new float[steps][];
            invW = new float[steps][];
            w1 = new float[steps][];
            b1 = new float[steps][];
            w2 = new float[steps][];
            b2 = new float[steps][];
            w3 = new float[steps][];
            b3 = new float[steps][];
            double constLd = 0;
            for (int k = 0; k < steps; k++) {
                String s = "steps." + k + ".";
                shift[k] = p.get(s + "actnorm.shift").toArray();
                logScale[k] = p.get(s + "actnorm.log_scale").toArray();
                if (dc > 0) condW[k] = p.get(s + "actnorm.cond.weight").toArray();
                else {
                    scale[k] = new float[d];
                    for (int j = 0; j < d; j++) {
                        scale[k][j] = (float) Math.exp(logScale[k][j]);
                        constLd += logScale[k][j];
                    }
                }
                Tensor inv = p.get(s + "invconv.weight");
                invW[k] = inv.toArray();
                constLd += Linalg.logAbsDet(inv).itemDouble();
                w1[k] = p.get(s + "coupling.net.0.weight").toArray();
                b1[k] = p.get(s + "coupling.net.0.bias").toArray();
                w2[k] = p.get(s + "coupling.net.2.weight").toArray();
                b2[k] = p.get(s + "coupling.net.2.bias").toArray();
                w3[k] = p.get(s + "coupling.net.4.weight").toArray();
                b3[k] = p.get(s + "coupling.net.4.bias").toArray();
            }
            constant = (float) (d * DensityModel.HALF_LOG_2PI - constLd);
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
            java.util.Arrays.fill(ld, 0f);
        }

        private void gather(float[] src, long from, int count, float[] dst, int to) {
            System.arraycopy(src, (int) from, dst, to, count);
            java.util.Arrays.fill(dst, to + count, to + b, 0f);
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
