package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.cpu.DensityCpu;
import org.screener.core.ext.DensityExtension;
import org.screener.core.ext.DensityExtension.GlowWeights;
import org.screener.core.ref.DensityRef;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend's {@link DensityExtension} (both block kernels) against {@link DensityRef} in double. */
class DensityCpuTest {
    /** d, dc, steps, hidden, N, V: odd widths, a single voxel, blocks cut mid-way, the wide-net block size (hidden > 128). */
    private static final int[][] GLOW_CASES = {
            {2, 0, 1, 1, 1, 1},
            {3, 1, 2, 5, 2, 105},
            {5, 3, 3, 17, 1, 144},
            {8, 8, 2, 64, 1, 210},
            {7, 0, 2, 130, 2, 330},
            {4, 2, 1, 3, 0, 7},
    };

    @Test void backendsOfferTheExtensionOrNull() {
        Backend cpu = TestUtil.cpu();
        assertSame(DensityCpu.instance(), cpu.extension(DensityExtension.class));
        assertNull(cpu.extension(Runnable.class), "an interface the CPU backend does not implement");
        assertNull(TestUtil.ref().extension(DensityExtension.class), "the reference backend takes the op path");
    }

    @Test void glowNllMatchesTheReferenceOnBothKernels() {
        assertTrue(DensityCpu.vectorAvailable(), "tests run with jdk.incubator.vector: the vector kernel must load");
        Backend cpu = TestUtil.cpu();
        for (int[] t : GLOW_CASES) {
            int d = t[0], dc = t[1], n = t[4], v = t[5];
            Random rnd = new Random(31L * d + dc);
            GlowWeights w = randomGlow(cpu, rnd, d, dc, t[2], t[3]);
            float[] y = gaussian(rnd, n * d * v, 1.5), c = dc > 0 ? gaussian(rnd, n * dc * v, 1) : null;
            double[] want = DensityRef.glowNll(w, widen(y), c == null ? null : widen(c), n, v);
            for (DensityCpu.Path p : DensityCpu.Path.values()) {
                Tensor o = Tensor.full(cpu, Float.NaN, n * v);   // NaN: every output must be written
                Tensor yt = Tensor.of(cpu, y, y.length), ct = c == null ? null : Tensor.of(cpu, c, c.length);
                DensityCpu.instance().glowNll(w, yt.storage(), ct == null ? null : ct.storage(), n, v, o.storage(), p);
                float[] got = o.toArray();
                TestUtil.close(p + " glow d=" + d + " dc=" + dc + " hidden=" + t[3], want, got, 2e-4, 2e-4);
            }
        }
    }

    @Test void glowNllIsBitIdenticalRunToRun() {
        Backend cpu = TestUtil.cpu();
        Random rnd = new Random(9);
        GlowWeights w = randomGlow(cpu, rnd, 6, 2, 2, 40);
        int n = 2, v = 1000;
        Tensor y = Tensor.randn(cpu, rnd, 1f, n * 6 * v), c = Tensor.randn(cpu, rnd, 1f, n * 2 * v);
        Tensor a = Tensor.zeros(cpu, n * v), b = Tensor.zeros(cpu, n * v);
        DensityCpu.instance().glowNll(w, y.storage(), c.storage(), n, v, a.storage());
        DensityCpu.instance().glowNll(w, y.storage(), c.storage(), n, v, b.storage());
        assertArrayEquals(a.toArray(), b.toArray(), 0f);
    }

    @Test void gaussianNllMatchesTheReference() {
        Backend cpu = TestUtil.cpu();
        int[][] cases = {{1, 1, 1}, {2, 3, 7}, {3, 5, 4099}, {0, 4, 5}, {1, 17, 33}};
        for (int[] t : cases)
            for (boolean perVoxel : new boolean[]{false, true}) {
                int n = t[0], d = t[1], v = t[2], per = perVoxel ? n * d * v : d;
                Random rnd = new Random(n * 100 + d * 10 + (perVoxel ? 1 : 0));
                float[] y = gaussian(rnd, n * d * v, 2), m = gaussian(rnd, per, 1), lv = gaussian(rnd, per, 1.5);
                double[] want = DensityRef.gaussianNll(widen(y), widen(m), widen(lv), perVoxel, n, d, v);
                Tensor out = Tensor.full(cpu, Float.NaN, n * v);
                DensityCpu.instance().gaussianNll(Tensor.of(cpu, y, y.length).storage(), Tensor.of(cpu, m, per).storage(),
                        Tensor.of(cpu, lv, per).storage(), perVoxel, n, d, v, out.storage());
                TestUtil.close("gaussian n=" + n + " d=" + d + " v=" + v + " perVoxel=" + perVoxel, want, out.toArray(), 1e-5, 1e-5);
            }
    }

    @Test void badSizesAreRejectedWithTheirName() {
        Backend cpu = TestUtil.cpu();
        Random rnd = new Random(2);
        GlowWeights w = randomGlow(cpu, rnd, 4, 0, 1, 3);
        Storage y = cpu.allocate(4 * 10), nll = cpu.allocate(10);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DensityCpu.instance().glowNll(w, y, null, 1, 9, nll));
        assertTrue(e.getMessage().contains("y has 40"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DensityCpu.instance().glowNll(w, y, cpu.allocate(10), 1, 10, nll));
        assertTrue(e.getMessage().contains("unconditional"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> DensityCpu.instance().gaussianNll(y, cpu.allocate(3), cpu.allocate(4), false, 1, 4, 10, nll));
        assertTrue(e.getMessage().contains("mean has 3"), e.getMessage());
        Storage[] one = {cpu.allocate(4)}, bad = {cpu.allocate(5)};
        e = assertThrows(IllegalArgumentException.class, () -> new GlowWeights(4, 0, 3, 1, one, bad, null, w.invWeight(), w.invLogAbsDet(),
                w.w1(), w.b1(), w.w2(), w.b2(), w.w3(), w.b3()));
        assertTrue(e.getMessage().contains("logScale[0] has 5"), e.getMessage());
    }

    @Test void vectorDenseMatchesScalarOnAwkwardShapes() {
        DensityCpu.Kernel scalar = DensityCpu.kernel(DensityCpu.Path.SCALAR), vector = DensityCpu.kernel(DensityCpu.Path.VECTOR);
        Random rnd = new Random(4);
        int b = 64;
        for (int[] pk : new int[][]{{1, 1}, {3, 7}, {4, 4}, {9, 13}, {66, 65}}) {
            int p = pk[0], k = pk[1];
            float[] w = gaussian(rnd, p * k, 1), bias = gaussian(rnd, p, 1), x = gaussian(rnd, 2 * b + k * b, 1);
            for (boolean relu : new boolean[]{false, true})
                for (float[] bb : new float[][]{null, bias}) {
                    float[] ys = new float[p * b], yv = new float[p * b];
                    scalar.dense(w, bb, p, k, x, b, ys, b, relu);
                    vector.dense(w, bb, p, k, x, b, yv, b, relu);
                    for (int i = 0; i < ys.length; i++) assertEquals(ys[i], yv[i], 1e-5f * (1 + k), "p=" + p + " k=" + k + " at " + i);
                    if (relu) for (float v : yv) assertTrue(v >= 0);
                }
        }
    }

    @Test void vectorElementwiseMatchesScalar() {
        DensityCpu.Kernel[] ks = {DensityCpu.kernel(DensityCpu.Path.SCALAR), DensityCpu.kernel(DensityCpu.Path.VECTOR)};
        Random rnd = new Random(5);
        int b = 64, d = 5, half = 2, rest = 3;
        float[] x = gaussian(rnd, d * b, 1), pc = gaussian(rnd, 2 * d * b, 1), h = gaussian(rnd, 2 * rest * b, 30), ld = gaussian(rnd, b, 1);
        float[] shift = gaussian(rnd, d, 1), scale = gaussian(rnd, d, 1), logScale = gaussian(rnd, d, 1);
        float[][] xs = {x.clone(), x.clone()}, lds = {ld.clone(), ld.clone()};
        for (int j = 0; j < 2; j++) {
            ks[j].affine(xs[j], d, shift, scale, b);
            ks[j].actNormCond(xs[j], d, shift, logScale, pc, lds[j], b);
            ks[j].coupling(xs[j], half, rest, h, lds[j], new float[b], b);   // h ~ 30σ saturates the sigmoid both ways
        }
        assertClose(xs[0], xs[1]);
        assertClose(lds[0], lds[1]);
        for (float v : lds[1]) assertTrue(Float.isFinite(v));
        float[][] out = {new float[70], new float[70]};
        for (int j = 0; j < 2; j++) ks[j].finish(xs[0], d, lds[0], 1.25f, out[j], 3, 61, b);   // a count that is no multiple of the vector
        assertClose(out[0], out[1]);
        assertEquals(0f, out[1][2]);
        assertEquals(0f, out[1][64]);
    }

    /** A Glow's weights with values of a trained one's size: act-norm away from identity, non-zero last layers. */
    static GlowWeights randomGlow(Backend be, Random rnd, int d, int dc, int steps, int hidden) {
        int half = d / 2, rest = d - half;
        Storage[] sh = new Storage[steps], ls = new Storage[steps], cw = dc > 0 ? new Storage[steps] : null, inv = new Storage[steps],
                lad = new Storage[steps], w1 = new Storage[steps], b1 = new Storage[steps], w2 = new Storage[steps],
                b2 = new Storage[steps], w3 = new Storage[steps], b3 = new Storage[steps];
        for (int k = 0; k < steps; k++) {
            sh[k] = store(be, gaussian(rnd, d, 0.5));
            ls[k] = store(be, gaussian(rnd, d, 0.3));
            if (cw != null) cw[k] = store(be, gaussian(rnd, 2 * d * dc, 0.2));
            inv[k] = store(be, gaussian(rnd, d * d, 1 / Math.sqrt(d)));
            lad[k] = store(be, gaussian(rnd, 1, 1));
            w1[k] = store(be, gaussian(rnd, hidden * (half + dc), 1 / Math.sqrt(half + dc)));
            b1[k] = store(be, gaussian(rnd, hidden, 0.3));
            w2[k] = store(be, gaussian(rnd, hidden * hidden, 1 / Math.sqrt(hidden)));
            b2[k] = store(be, gaussian(rnd, hidden, 0.3));
            w3[k] = store(be, gaussian(rnd, 2 * rest * hidden, 1 / Math.sqrt(hidden)));
            b3[k] = store(be, gaussian(rnd, 2 * rest, 0.3));
        }
        return new GlowWeights(d, dc, hidden, steps, sh, ls, cw, inv, lad, w1, b1, w2, b2, w3, b3);
    }

    private static Storage store(Backend be, float[] a) { return Tensor.of(be, a, a.length).storage(); }

    private static float[] gaussian(Random rnd, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (rnd.nextGaussian() * std);
        return a;
    }

    private static double[] widen(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static void assertClose(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5f * (1 + Math.abs(want[i])), "at " + i);
    }
}
