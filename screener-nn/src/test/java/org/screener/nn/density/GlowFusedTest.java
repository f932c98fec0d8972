package org.screener.nn.density;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.autograd.GradCheck;
import org.screener.core.cpu.DensityCpu;
import org.screener.core.ext.DensityExtension;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Glow's NLL through the backend's {@link DensityExtension} (the CPU's fused {@link DensityCpu}, both kernels)
 * against the op-composed definition in double on the reference backend, the dispatch rules, and the act-norm's
 * Java-side initialisation flag across checkpoint loads.
 */
class GlowFusedTest {
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
        assertTrue(DensityCpu.vectorAvailable(), "tests run with jdk.incubator.vector: the vector kernel must load");
        for (int[] t : CASES) {
            int d = t[0], dc = t[1];
            Glow exact = GlowTest.perturbedFlow(ref, d, dc, t[2], t[3], 11 + d);
            Glow fast = GlowTest.perturbedFlow(ref, d, dc, t[2], t[3], 11 + d);
            fast.to(cpu);
            Random rnd = new Random(d * 31L + dc);
            double[] y = Tensor.randn(ref, rnd, 1.5f, t[4], d, t[5], t[6], t[7]).toDoubleArray();
            double[] c = dc > 0 ? Tensor.randn(ref, rnd, 1f, t[4], dc, t[5], t[6], t[7]).toDoubleArray() : null;
            int[] ys = {t[4], d, t[5], t[6], t[7]}, cs = {t[4], dc, t[5], t[6], t[7]};
            int v = t[5] * t[6] * t[7];
            try (Autograd.Scope s = Autograd.noGrad()) {
                double[] want = exact.nllOps(Tensor.ofDouble(ref, y, ys), c == null ? null : Tensor.ofDouble(ref, c, cs)).toDoubleArray();
                Tensor yc = Tensor.ofDouble(cpu, y, ys), cc = c == null ? null : Tensor.ofDouble(cpu, c, cs);
                for (DensityCpu.Path p : new DensityCpu.Path[]{DensityCpu.Path.SCALAR, DensityCpu.Path.VECTOR}) {
                    Tensor out = Tensor.full(cpu, Float.NaN, t[4], t[5], t[6], t[7]);
                    DensityCpu.instance().glowNll(fast.fusedWeights(), yc.storage(), cc == null ? null : cc.storage(), t[4], v, out.storage(), p);
                    double[] got = out.toDoubleArray();
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

    @Test void nllTakesTheExtensionOnlyWithoutAutogradAndWhereTheBackendHasOne() {
        Backend cpu = Backends.getDefault(), ref = GradCheck.ref();
        assertNotNull(cpu.extension(DensityExtension.class));
        assertNull(ref.extension(DensityExtension.class));
        Glow g = GlowTest.perturbedFlow(cpu, 4, 2, 2, 8, 3);
        Random rnd = new Random(6);
        Tensor y = Tensor.randn(cpu, rnd, 1f, 1, 4, 3, 4, 5), c = Tensor.randn(cpu, rnd, 1f, 1, 2, 3, 4, 5);
        float[] fused, ops;
        try (Autograd.Scope s = Autograd.noGrad()) {
            fused = g.fusedNll(cpu.extension(DensityExtension.class), y, c).toArray();
            ops = g.nllOps(y, c).toArray();
            assertArrayEquals(fused, g.nll(y, c).toArray(), 0f, "no autograd, CPU: the fused kernel");
            assertFalse(java.util.Arrays.equals(fused, ops), "the two paths round differently, so the check above can tell them apart");
        }
        Tensor withGrad = g.nll(y, c);    // with autograd the op path runs and gradients reach the parameters
        assertArrayEquals(ops, withGrad.toArray(), 0f, "autograd on: the ops");
        withGrad.mean().backward();
        for (Parameter p : g.parameters()) assertNotNull(p.tensor().grad());
        // a backend without the extension: the ops, without autograd too
        Glow r = GlowTest.perturbedFlow(cpu, 4, 2, 2, 8, 3);
        r.to(ref);
        Tensor yr = y.to(ref), cr = c.to(ref);
        try (Autograd.Scope s = Autograd.noGrad()) {
            assertArrayEquals(r.nllOps(yr, cr).toDoubleArray(), r.nll(yr, cr).toDoubleArray(), 0.0, "no extension: the ops");
        }
    }

    @Test void anUninitialisedActNormTakesTheOpPathAndInitialisesOnce() {
        Backend cpu = Backends.getDefault();
        Glow fresh = new Glow(cpu, 4, 0, 2, 8, new Random(1));
        assertFalse(fresh.allInitialized());
        Tensor y = Tensor.randn(cpu, new Random(2), 2f, 2, 4, 3, 4, 5);
        try (Autograd.Scope s = Autograd.noGrad()) {
            float[] first = fresh.nll(y, null).toArray();   // initialises from y on the op path
            assertTrue(fresh.allInitialized());
            assertArrayEquals(fresh.nllOps(y, null).toArray(), first, 0f);
            assertArrayEquals(fresh.fusedNll(cpu.extension(DensityExtension.class), y, null).toArray(), fresh.nll(y, null).toArray(), 0f);
        }
    }

    @Test void theInitialisedFlagFollowsEveryCheckpointLoad() {
        Backend cpu = Backends.getDefault();
        Random rnd = new Random(8);
        Tensor y = Tensor.randn(cpu, rnd, 2f, 1, 4, 3, 4, 5), y2 = Tensor.randn(cpu, rnd, 5f, 1, 4, 3, 4, 5).add(3f);
        Glow used = GlowTest.perturbedFlow(cpu, 4, 0, 2, 8, 5);
        Map<String, Tensor> trained = copy(used.stateDict());
        Map<String, Tensor> untrained = copy(new Glow(cpu, 4, 0, 2, 8, new Random(5)).stateDict());
        assertEquals(0f, untrained.get("steps.0.actnorm.initialized").item());
        assertEquals(1f, trained.get("steps.1.actnorm.initialized").item());

        // initialized = 1 into a fresh model: it scores like the trained one at once (fused path, no re-initialisation)
        Glow fresh = new Glow(cpu, 4, 0, 2, 8, new Random(99));
        assertFalse(fresh.allInitialized());
        fresh.loadStateDict(trained, true);
        assertTrue(fresh.allInitialized());
        try (Autograd.Scope s = Autograd.noGrad()) {
            assertArrayEquals(used.nll(y, null).toArray(), fresh.nll(y, null).toArray(), 0f);
        }

        // initialized = 0 into a used model: the next batch initialises it again, from that batch
        fresh.loadStateDict(untrained, true);
        assertFalse(fresh.allInitialized());
        try (Autograd.Scope s = Autograd.noGrad()) { fresh.nll(y2, null); }
        assertTrue(fresh.allInitialized());
        Glow reference = new Glow(cpu, 4, 0, 2, 8, new Random(5));
        try (Autograd.Scope s = Autograd.noGrad()) {
            reference.nll(y2, null);
            assertArrayEquals(reference.nll(y, null).toArray(), fresh.nll(y, null).toArray(), 0f);
        }

        // a load through a parent module reaches the act-norms too
        Glow child = new Glow(cpu, 4, 0, 2, 8, new Random(99));
        Wrapper parent = new Wrapper(child);
        Map<String, Tensor> prefixed = new LinkedHashMap<>();
        trained.forEach((k, t) -> prefixed.put("flow." + k, t));
        parent.loadStateDict(prefixed, true);
        assertTrue(child.allInitialized());
    }

    private static final class Wrapper extends Module {
        Wrapper(Glow g) { registerModule("flow", g); }
        @Override public Tensor forward(Tensor x) { throw new UnsupportedOperationException(); }
    }

    private static Map<String, Tensor> copy(Map<String, Tensor> m) {
        Map<String, Tensor> out = new LinkedHashMap<>();
        m.forEach((k, t) -> out.put(k, Tensor.of(t.backend(), t.toArray(), t.shape())));
        return out;
    }
}
