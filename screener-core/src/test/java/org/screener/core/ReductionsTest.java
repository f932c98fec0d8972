package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Reductions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReductionsTest {
    static final int[][] AXIS_SETS = {{}, {0}, {1}, {2}, {0, 2}, {1, 2}, {-1}, {0, 1, 2}};

    @Test
    void reductionsGradcheck() {
        Random rnd = new Random(10);
        for (int[] axes : AXIS_SETS) {
            Tensor x = GradCheck.input(rnd, -2, 2, 3, 4, 5);
            String ax = java.util.Arrays.toString(axes);
            GradCheck.check("sum " + ax, t -> Reductions.sum(t[0], axes), x);
            GradCheck.check("sumKeep " + ax, t -> Reductions.sumKeep(t[0], axes), x);
            GradCheck.check("mean " + ax, t -> Reductions.mean(t[0], axes), x);
            GradCheck.check("var unbiased " + ax, t -> Reductions.var(t[0], true, axes), x);
            GradCheck.check("varKeep biased " + ax, t -> Reductions.varKeep(t[0], false, axes), x);
            // random continuous inputs have no ties, so max is differentiable there
            GradCheck.check("max " + ax, t -> Reductions.max(t[0], axes), x);
            GradCheck.check("maxKeep " + ax, t -> Reductions.maxKeep(t[0], axes), x);
        }
        for (int axis = -3; axis < 3; axis++) {
            int a = axis;
            Tensor x = GradCheck.input(rnd, -3, 3, 3, 4, 5);
            GradCheck.check("logsumexp " + a, t -> Reductions.logsumexp(t[0], a), x);
            GradCheck.check("softmax " + a, t -> Reductions.softmax(t[0], a), x);
            GradCheck.check("logSoftmax " + a, t -> Reductions.logSoftmax(t[0], a), x);
        }
    }

    @Test
    void varianceByHand() {
        Tensor x = Tensor.of(TestUtil.cpu(), new float[]{1, 2, 3, 4, 2, 2, 2, 2}, 2, 4);
        assertArrayEquals(new float[]{5f / 3, 0f}, Reductions.var(x, true, 1).toArray(), 1e-6f);
        assertArrayEquals(new float[]{1.25f, 0f}, Reductions.var(x, false, 1).toArray(), 1e-6f);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reductions.var(x, true, 0, 1).add(0f)
                .add(Reductions.var(Tensor.of(TestUtil.cpu(), new float[]{1}, 1), true)));
        assertTrue(e.getMessage().contains("var"), e.getMessage());
    }

    @Test
    void maxGradientGoesToFirstTie() {
        for (Backend be : new Backend[]{TestUtil.cpu(), TestUtil.ref()}) {
            Tensor x = Tensor.of(be, new float[]{1, 3, 3, 2, 5, 5, 5, 0}, 2, 4).requiresGrad(true);
            Tensor m = Reductions.max(x, 1);
            assertArrayEquals(new float[]{3, 5}, m.toArray());
            Reductions.sum(m).backward();
            assertArrayEquals(new float[]{0, 1, 0, 0, 1, 0, 0, 0}, x.grad().toArray(), be.name());
            // over several axes: first in row-major order of the reduced axes
            Tensor y = Tensor.of(be, new float[]{1, 7, 7, 2, 7, 0}, 2, 3).requiresGrad(true);
            Reductions.max(y).backward();
            assertArrayEquals(new float[]{0, 1, 0, 0, 0, 0}, y.grad().toArray(), be.name());
            Tensor z = Tensor.of(be, new float[]{4, 1, 4, 9, 2, 9}, 3, 2).requiresGrad(true);
            Reductions.sum(Reductions.max(z, 0)).backward();
            assertArrayEquals(new float[]{1, 0, 0, 1, 0, 0}, z.grad().toArray(), be.name());
        }
    }

    @Test
    void largeLogitsAreStable() {
        for (Backend be : new Backend[]{TestUtil.cpu(), TestUtil.ref()}) {
            Tensor x = Tensor.of(be, new float[]{1000, 1000, 0, 0, -1000, -1000}, 2, 3);
            float[] lse = Reductions.logsumexp(x, 1).toArray();
            assertEquals(1000 + Math.log(2), lse[0], 1e-3);   // exp(-1000) vanishes
            assertEquals(0, lse[1], 1e-6);
            float[] sm = Reductions.softmax(x, 1).toArray();
            assertArrayEquals(new float[]{0.5f, 0.5f, 0f, 1f, 0f, 0f}, sm, 1e-6f);
            float[] ls = Reductions.logSoftmax(x, 1).toArray();
            assertArrayEquals(new float[]{(float) -Math.log(2), (float) -Math.log(2), -1000f - (float) Math.log(2), 0f, -1000f, -1000f}, ls, 1e-3f);
            for (float v : ls) assertTrue(Float.isFinite(v), be.name() + " logSoftmax not finite");
        }
        // gradients at large logits: softmax of the logits
        Tensor x = Tensor.of(GradCheck.ref(), new float[]{1000, 999, 1001}, 3).requiresGrad(true);
        Reductions.logsumexp(x, 0).backward();
        double z = Math.exp(-1) + Math.exp(-2) + 1;
        assertArrayEquals(new double[]{Math.exp(-1) / z, Math.exp(-2) / z, 1 / z}, x.grad().toDoubleArray(), 1e-12);
        GradCheck.check("logSoftmax large", t -> Reductions.logSoftmax(t[0], 0), x);
        GradCheck.check("softmax large", t -> Reductions.softmax(t[0], 0), x);
    }

    @Test
    void softmaxSumsToOneOnCpu() {
        Tensor x = Tensor.randn(TestUtil.cpu(), new Random(11), 3f, 2, 5, 3, 4, 7);
        float[] s = Reductions.sum(Reductions.softmax(x, 1), 1).toArray();
        for (float v : s) assertEquals(1f, v, 1e-6f);
    }

    // ---- cpu kernels vs the reference -------------------------------------------------------------------

    static void compareAllSubsets(int[] shape, long seed, double atol) {
        Random rnd = new Random(seed);
        int n = (int) Shape.numel(shape);
        float[] v = TestUtil.values(rnd, n, -1, 1, 0);
        Backend cpu = TestUtil.cpu(), ref = TestUtil.ref();
        Tensor xc = Tensor.of(cpu, v, shape), xr = Tensor.of(ref, v, shape);
        for (int mask = 0; mask < 1 << shape.length; mask++) {
            int[] os = shape.clone();
            for (int d = 0; d < shape.length; d++) if ((mask >> d & 1) != 0) os[d] = 1;
            for (boolean max : new boolean[]{false, true}) {
                Tensor oc = Tensor.zeros(cpu, os), or = Tensor.zeros(ref, os);
                if (max) { cpu.reduceMax(xc.storage(), shape, oc.storage(), os); ref.reduceMax(xr.storage(), shape, or.storage(), os); }
                else { cpu.reduceSum(xc.storage(), shape, oc.storage(), os); ref.reduceSum(xr.storage(), shape, or.storage(), os); }
                String what = (max ? "max " : "sum ") + Shape.str(shape) + " -> " + Shape.str(os);
                if (max) TestUtil.close(what, or.toDoubleArray(), oc.toArray(), 0, 0);   // max is exact
                else TestUtil.close(what, or.toDoubleArray(), oc.toArray(), atol, 1e-6);
            }
        }
    }

    @Test
    void reduceAllAxisSubsetsSmall() {
        compareAllSubsets(new int[]{3, 5, 7, 4}, 12, 1e-6);
        compareAllSubsets(new int[]{2, 1, 13, 3}, 13, 1e-6);
        compareAllSubsets(new int[]{2, 3, 1, 5, 7}, 14, 1e-6);
    }

    @Test
    void reduceAllAxisSubsetsLarge() {
        // ~10^6 elements: both parallel schemes (per output, per part) and column blocks
        compareAllSubsets(new int[]{3, 17, 130, 151}, 15, 1e-4);
        compareAllSubsets(new int[]{2, 70_001, 1, 3}, 16, 1e-4);
    }

    @Test
    void cpuSumIsIndependentOfThreadCount() {
        Random rnd = new Random(18);
        int[] shape = {3, 7, 257, 263};
        float[] v = TestUtil.values(rnd, (int) Shape.numel(shape), -1, 1, 0);
        Tensor x = Tensor.of(TestUtil.cpu(), v, shape);
        int before = org.screener.core.cpu.Parallel.threads();
        try {
            for (int[] axes : new int[][]{{}, {0, 2, 3}, {0}, {1, 3}}) {
                org.screener.core.cpu.Parallel.setThreads(1);
                float[] one = Reductions.sum(x, axes).toArray();
                org.screener.core.cpu.Parallel.setThreads(3);
                float[] three = Reductions.sum(x, axes).toArray();
                assertArrayEquals(one, three, "sum over " + java.util.Arrays.toString(axes));
            }
        } finally {
            org.screener.core.cpu.Parallel.setThreads(before);
        }
    }

    @Test
    void largeSumIsAccurate() {
        int n = 12_000_017;
        Random rnd = new Random(17);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = rnd.nextFloat();
        double exact = 0;
        for (float f : v) exact += f;
        float s = Reductions.sum(Tensor.of(TestUtil.cpu(), v, n)).item();
        assertEquals(exact, s, 2e-7 * exact, "sum of 1.2e7 uniforms");
        // column sums over a long outer axis, row sums over a long inner axis
        float[] w = java.util.Arrays.copyOf(v, 12_000_000);
        double[] col = new double[3], row = new double[3];
        for (int i = 0; i < w.length; i++) { col[i % 3] += w[i]; row[i / 4_000_000] += w[i]; }
        float[] cs = Reductions.sum(Tensor.of(TestUtil.cpu(), w, 4_000_000, 3), 0).toArray();
        float[] rs = Reductions.sum(Tensor.of(TestUtil.cpu(), w, 3, 4_000_000), 1).toArray();
        for (int j = 0; j < 3; j++) {
            assertEquals(col[j], cs[j], 2e-7 * col[j], "column sum " + j);
            assertEquals(row[j], rs[j], 2e-7 * row[j], "row sum " + j);
        }
    }

    // ---- the max-reduction backward mask (Backend.firstMaxMask) --------------------------------------------

    /** x from a few levels (many ties), its max on the CPU; masks of CPU, reference and default must be equal. */
    static void compareMasks(int[] shape, long seed, float[] levels) {
        Random rnd = new Random(seed);
        int n = (int) Shape.numel(shape);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = levels[rnd.nextInt(levels.length)];
        Backend cpu = TestUtil.cpu(), ref = TestUtil.ref(), dflt = DefaultKernels.cpuWithDefaults("firstMaxMask");
        Tensor xc = Tensor.of(cpu, v, shape), xr = Tensor.of(ref, v, shape);
        for (int sub = 0; sub < 1 << shape.length; sub++) {
            int[] ms = shape.clone();
            for (int d = 0; d < shape.length; d++) if ((sub >> d & 1) != 0) ms[d] = 1;
            Tensor mc = Tensor.zeros(cpu, ms), mr = Tensor.zeros(ref, ms);
            cpu.reduceMax(xc.storage(), shape, mc.storage(), ms);
            ref.reduceMax(xr.storage(), shape, mr.storage(), ms);
            Tensor kc = Tensor.full(cpu, 7f, shape), kr = Tensor.full(ref, 7f, shape), kd = Tensor.full(cpu, 7f, shape);
            cpu.firstMaxMask(xc.storage(), shape, mc.storage(), ms, kc.storage());
            ref.firstMaxMask(xr.storage(), shape, mr.storage(), ms, kr.storage());
            dflt.firstMaxMask(xc.storage(), shape, mc.storage(), ms, kd.storage());
            String what = "firstMaxMask " + Shape.str(shape) + " -> " + Shape.str(ms);
            float[] c = kc.toArray();
            assertArrayEquals(kr.toArray(), c, what + " cpu vs ref");
            assertArrayEquals(c, kd.toArray(), what + " cpu vs default");
            // one 1 per slot, the rest 0
            Tensor ones = Tensor.zeros(cpu, ms);
            cpu.reduceSum(kc.storage(), shape, ones.storage(), ms);
            for (float o : ones.toArray()) assertEquals(1f, o, what + " ones per slot");
        }
    }

    @Test
    void firstMaxMaskCpuMatchesReferenceWithTies() {
        float[] few = {-1f, 0f, 2f}, special = {Float.NEGATIVE_INFINITY, -0f, 0f, 3f, Float.POSITIVE_INFINITY, Float.NaN};
        compareMasks(new int[]{3, 5, 7, 4}, 30, few);
        compareMasks(new int[]{2, 1, 13, 3}, 31, few);
        compareMasks(new int[]{2, 3, 1, 5, 7}, 32, special);
        compareMasks(new int[]{1, 1}, 33, few);
        compareMasks(new int[]{4, 4300}, 34, few);          // inner axis kept over more than one column block
        compareMasks(new int[]{3, 17, 130, 151}, 35, new float[]{0f, 1f});   // ~10^6 values: parallel tasks
    }

    @Test
    void maxGradientGoesToTheFirstTieInHugeSlots() {
        // above 2^24 values per slot the old float-rank trick shared the gradient among ties; now it is exact
        int n = (1 << 24) + 5;
        float[] v = new float[n];
        v[3] = 2f;
        v[n - 1] = 2f;
        Tensor x = Tensor.of(TestUtil.cpu(), v, n).requiresGrad(true);
        Reductions.max(x).backward();
        float[] g = x.grad().toArray();
        assertEquals(1f, g[3]);
        assertEquals(0f, g[n - 1]);
        assertEquals(1.0, Reductions.sum(x.grad()).itemDouble(), 0);
    }
}
