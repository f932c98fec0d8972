package org.screener.nn.density;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.autograd.GradCheck;
import org.screener.nn.Parameter;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The fused CPU Glow NLL against the op-composed definition (in double on the reference backend). */
class GlowCpuTest {
    /** d, dc, steps, hidden, N, D, H, W: odd widths, a single voxel, blocks cut mid-way, the wide-net block size. */
    private static final int[][] CASES = {
            {2, 0, 1, 1, 1, 1, 1, 1},
            {3, 1, 2, 5, 2, 3, 5, 7},
            {5, 3, 3, 17, 1, 4, 4, 9},
            {8, 8, 2, 64, 1, 5, 6, 7},
            {7, 0, 2, 130, 2, 3, 10, 11},
    };

    @Test void fusedNllMatchesTheOpDefinitionOnBothKernels() {
        Backend ref = GradCheck.ref(), cpu = Backends.getDefault();
        assertTrue(GlowCpu.vectorAvailable(), "tests run with jdk.incubator.vector: the vector kernel must load");
        for (int[] t : CASES) {
            int d = t[0], dc = t[1];
            Glow exact = GlowTest.perturbedFlow(ref, d, dc, t[2], t[3], 11 + d);
            Glow fast = GlowTest.perturbedFlow(ref, d, dc, t[2], t[3], 11 + d);
            fast.to(cpu);
            Random rnd = new Random(d * 31L + dc);
            double[] y = Tensor.randn(ref, rnd, 1.5f, t[4], d, t[5], t[6], t[7]).toDoubleArray();
            double[] c = dc > 0 ? Tensor.randn(ref, rnd, 1f, t[4], dc, t[5], t[6], t[7]).toDoubleArray() : null;
            int[] ys = {t[4], d, t[5], t[6], t[7]}, cs = {t[4], dc, t[5], t[6], t[7]};
            try (Autograd.Scope s = Autograd.noGrad()) {
                double[] want = exact.nllOps(Tensor.ofDouble(ref, y, ys), c == null ? null : Tensor.ofDouble(ref, c, cs)).toDoubleArray();
                Tensor yc = Tensor.ofDouble(cpu, y, ys), cc = c == null ? null : Tensor.ofDouble(cpu, c, cs);
                for (GlowCpu.Path p : new GlowCpu.Path[]{GlowCpu.Path.SCALAR, GlowCpu.Path.VECTOR}) {
                    double[] got = GlowCpu.nll(fast, yc, cc, p).toDoubleArray();
                    assertEquals(want.length, got.length);
                    for (int i = 0; i < want.length; i++)
                        assertEquals(want[i], got[i], 2e-4 * (1 + Math.abs(want[i])), p + " case d=" + d + " dc=" + dc + " voxel " + i);
                }
                // the float op path agrees as closely: the fused kernel is not less accurate than the ops it replaces
                double[] ops = fast.nllOps(yc, cc).toDoubleArray();
                for (int i = 0; i < want.length; i++) assertEquals(want[i], ops[i], 2e-4 * (1 + Math.abs(want[i])));
            }
        }
    }

    @Test void vectorDenseMatchesScalarOnAwkwardShapes() {
        GlowCpu.Kernel scalar = new GlowCpuScalar(), vector = new GlowCpuVector();
        Random rnd = new Random(4);
        int b = 64;
        for (int[] pk : new int[][]{{1, 1}, {3, 7}, {4, 4}, {9, 13}, {66, 65}}) {
            int p = pk[0], k = pk[1];
            float[] w = rand(rnd, p * k), bias = rand(rnd, p), x = rand(rnd, 2 * b + k * b);
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
        GlowCpu.Kernel scalar = new GlowCpuScalar(), vector = new GlowCpuVector();
        Random rnd = new Random(5);
        int b = 64, d = 5, half = 2, rest = 3;
        float[] x = rand(rnd, d * b), pc = rand(rnd, 2 * d * b), h = new float[2 * rest * b], ld = rand(rnd, b);
        for (int i = 0; i < h.length; i++) h[i] = (float) (rnd.nextGaussian() * 30);   // saturates the sigmoid both ways
        float[] shift = rand(rnd, d), scale = rand(rnd, d), logScale = rand(rnd, d);
        float[][] xs = {x.clone(), x.clone()}, lds = {ld.clone(), ld.clone()};
        GlowCpu.Kernel[] ks = {scalar, vector};
        for (int j = 0; j < 2; j++) {
            ks[j].affine(xs[j], d, shift, scale, b);
            ks[j].actNormCond(xs[j], d, shift, logScale, pc, lds[j], b);
            ks[j].coupling(xs[j], half, rest, h, lds[j], new float[b], b);
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

    @Test void glowNllTakesTheFusedPathOnlyWithoutAutograd() {
        Backend cpu = Backends.getDefault();
        Glow g = GlowTest.perturbedFlow(cpu, 4, 2, 2, 8, 3);
        Random rnd = new Random(6);
        Tensor y = Tensor.randn(cpu, rnd, 1f, 1, 4, 3, 4, 5), c = Tensor.randn(cpu, rnd, 1f, 1, 2, 3, 4, 5);
        try (Autograd.Scope s = Autograd.noGrad()) {
            assertArrayEquals(GlowCpu.nll(g, y, c).toArray(), g.nll(y, c).toArray(), 0f);
        }
        Tensor loss = g.nll(y, c).mean();    // with autograd the op path runs and gradients reach the parameters
        loss.backward();
        for (Parameter p : g.parameters()) assertNotNull(p.tensor().grad());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GlowCpu.nll(g, y, c));
        assertTrue(e.getMessage().contains("autograd"), e.getMessage());
        try (Autograd.Scope s = Autograd.noGrad()) {
            Glow fresh = new Glow(cpu, 4, 2, 1, 8, new Random(1));   // act-norm not yet initialised from data
            assertThrows(IllegalArgumentException.class, () -> GlowCpu.nll(fresh, y, c));
            assertThrows(IllegalArgumentException.class, () -> GlowCpu.nll(g, y, null));
        }
    }

    private static void assertClose(float[] want, float[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-5f * (1 + Math.abs(want[i])), "at " + i);
    }

    private static float[] rand(Random rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextGaussian();
        return a;
    }
}
