package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.ops.Norms;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The norm statistics kernels (Backend.normForward / normBackward): the ops built on them give bit for bit
 * what the host code before issue 11 gave (OldNorms, kept as the oracle), outputs, gradients and running
 * statistics, on both backends; and the CPU kernels, the reference kernels and the Backend defaults agree
 * bit for bit on the kernels' own inputs.
 */
class NormsKernelTest {
    private static final Backend CPU = Backends.get("cpu"), REF = Backends.get("ref");

    interface NormOp { Tensor apply(Tensor x, Tensor gamma, Tensor beta); }

    /** y, dx, dgamma, dbeta for a random upstream gradient; gamma/beta of length c (null when c == 0). */
    private static List<double[]> run(Backend be, NormOp op, float[] xv, int[] shape, float[] gv, float[] bv, float[] seed) {
        Tensor x = Tensor.of(be, xv, shape).requiresGrad(true);
        Tensor gamma = gv == null ? null : Tensor.of(be, gv, gv.length).requiresGrad(true);
        Tensor beta = bv == null ? null : Tensor.of(be, bv, bv.length).requiresGrad(true);
        Tensor y = op.apply(x, gamma, beta);
        y.backward(Tensor.of(be, seed, y.shape()));
        List<double[]> out = new ArrayList<>();
        out.add(y.toDoubleArray());
        out.add(x.grad().toDoubleArray());
        if (gamma != null) out.add(gamma.grad().toDoubleArray());
        if (beta != null) out.add(beta.grad().toDoubleArray());
        return out;
    }

    private static float[] values(Random rnd, int n, float lo, float hi) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * rnd.nextFloat();
        return v;
    }

    /** newOp and oldOp on identical inputs give identical bits, on the CPU and the reference backend. */
    private static void assertSameAsOld(String what, NormOp newOp, NormOp oldOp, int[] shape, int c, boolean affine, long seed) {
        assertSameAsOld(what, newOp, oldOp, shape, c, affine, seed, CPU, REF);
    }

    private static void assertSameAsOld(String what, NormOp newOp, NormOp oldOp, int[] shape, int c, boolean affine, long seed,
                                        Backend... backends) {
        Random rnd = new Random(seed);
        int n = (int) Shape.numel(shape);
        float[] xv = values(rnd, n, -2f, 5f), seedv = values(rnd, n, -1f, 1f);
        float[] gv = affine ? values(rnd, c, 0.5f, 1.5f) : null, bv = affine ? values(rnd, c, -1f, 1f) : null;
        for (Backend be : backends) {
            List<double[]> e = run(be, oldOp, xv, shape, gv, bv, seedv), a = run(be, newOp, xv, shape, gv, bv, seedv);
            String[] names = {"y", "dx", "dgamma", "dbeta"};
            for (int i = 0; i < e.size(); i++)
                assertArrayEquals(e.get(i), a.get(i), what + " " + Shape.str(shape) + " on " + be.name() + ": " + names[i]);
        }
    }

    @Test
    void groupInstanceLayerNormAreBitIdenticalToTheHostCode() {
        int[][] shapes = {{2, 6, 3, 4, 5}, {3, 6, 5, 5, 3}, {1, 6, 7, 11}, {3, 6}, {2, 6, 1, 1, 1}, {5, 6, 9}};
        long seed = 100;
        for (int[] shape : shapes) {
            for (int groups : new int[]{1, 2, 3, 6}) {
                if (Shape.numel(shape) / shape[0] / groups == 1) continue;   // one value per group: 0/0 territory
                assertSameAsOld("groupNorm G=" + groups, (x, g, b) -> Norms.groupNorm(x, groups, g, b, 1e-5f),
                        (x, g, b) -> OldNorms.groupNorm(x, groups, g, b, 1e-5f), shape, 6, true, seed++);
                assertSameAsOld("groupNorm no affine G=" + groups, (x, g, b) -> Norms.groupNorm(x, groups, null, null, 1e-5f),
                        (x, g, b) -> OldNorms.groupNorm(x, groups, null, null, 1e-5f), shape, 6, false, seed++);
            }
            if (Shape.numel(shape) / shape[0] / 6 > 1)
                assertSameAsOld("instanceNorm", (x, g, b) -> Norms.instanceNorm(x, g, b, 1e-3f),
                        (x, g, b) -> OldNorms.instanceNorm(x, g, b, 1e-3f), shape, 6, true, seed++);
        }
        for (int[] shape : new int[][]{{33, 17}, {2, 3, 5}, {7, 130}}) {
            int c = shape[shape.length - 1];
            assertSameAsOld("layerNorm", (x, g, b) -> Norms.layerNorm(x, g, b, 1e-5f),
                    (x, g, b) -> OldNorms.layerNorm(x, g, b, 1e-5f), shape, c, true, seed++);
            assertSameAsOld("layerNorm no affine", (x, g, b) -> Norms.layerNorm(x, null, null, 1e-5f),
                    (x, g, b) -> OldNorms.layerNorm(x, null, null, 1e-5f), shape, c, false, seed++);
        }
    }

    @Test
    void batchNormIsBitIdenticalToTheHostCodeWithRunningStatistics() {
        long seed = 200;
        for (int[] shape : new int[][]{{3, 5, 2, 3, 7}, {5, 6}, {2, 7, 33}, {1, 3, 4, 4, 4}}) {
            int c = shape[1];
            for (Backend be : new Backend[]{CPU, REF}) {
                Random rnd = new Random(seed++);
                float[] rm0 = values(rnd, c, -0.5f, 0.5f), rv0 = values(rnd, c, 0.5f, 2f);
                Tensor rmN = Tensor.of(be, rm0, c), rvN = Tensor.of(be, rv0, c), rmO = Tensor.of(be, rm0, c), rvO = Tensor.of(be, rv0, c);
                for (int step = 0; step < 3; step++) {
                    assertSameAsOld("batchNorm training step " + step,
                            (x, g, b) -> Norms.batchNorm(x, rmN, rvN, g, b, true, 0.1f, 1e-5f),
                            (x, g, b) -> OldNorms.batchNorm(x, rmO, rvO, g, b, true, 0.1f, 1e-5f),
                            shape, c, true, seed++, be);
                    assertArrayEquals(rmO.toDoubleArray(), rmN.toDoubleArray(), "running mean on " + be.name());
                    assertArrayEquals(rvO.toDoubleArray(), rvN.toDoubleArray(), "running var on " + be.name());
                }
                assertSameAsOld("batchNorm eval", (x, g, b) -> Norms.batchNorm(x, rmN, rvN, g, b, false, 0.1f, 1e-5f),
                        (x, g, b) -> OldNorms.batchNorm(x, rmO, rvO, g, b, false, 0.1f, 1e-5f),
                        shape, c, true, seed++, be);
                assertSameAsOld("batchNorm eval no affine", (x, g, b) -> Norms.batchNorm(x, rmN, rvN, null, null, false, 0.1f, 1e-5f),
                        (x, g, b) -> OldNorms.batchNorm(x, rmO, rvO, null, null, false, 0.1f, 1e-5f),
                        shape, c, false, seed++, be);
            }
            assertSameAsOld("batchNorm training, no running stats", (x, g, b) -> Norms.batchNorm(x, null, null, g, b, true, 0.1f, 1e-5f),
                    (x, g, b) -> OldNorms.batchNorm(x, null, null, g, b, true, 0.1f, 1e-5f), shape, c, true, seed++);
        }
    }

    @Test
    void evalBackwardUsesTheStatisticsOfItsForward() {
        // a training forward between an eval forward and its backward updates the running statistics in place;
        // the eval backward must still use the statistics its forward normalised with
        Random rnd = new Random(300);
        int[] shape = {2, 3, 5};
        Tensor rm = Tensor.of(CPU, values(rnd, 3, -0.5f, 0.5f), 3), rv = Tensor.of(CPU, values(rnd, 3, 0.5f, 2f), 3);
        float[] xv = values(rnd, 30, -2, 2);
        Tensor x1 = Tensor.of(CPU, xv, shape).requiresGrad(true), x2 = Tensor.of(CPU, xv, shape).requiresGrad(true);
        Tensor gamma = Tensor.of(CPU, values(rnd, 3, 0.5f, 1.5f), 3).requiresGrad(true);
        Norms.batchNorm(x1, rm, rv, gamma, null, false, 0.1f, 1e-5f).backward(Tensor.full(CPU, 1f, shape));
        Tensor y2 = Norms.batchNorm(x2, rm, rv, gamma, null, false, 0.1f, 1e-5f);
        Norms.batchNorm(Tensor.of(CPU, values(rnd, 30, -2, 2), shape), rm, rv, null, null, true, 0.5f, 1e-5f);
        y2.backward(Tensor.full(CPU, 1f, shape));
        assertArrayEquals(x1.grad().toArray(), x2.grad().toArray());
    }

    // ---- the kernels themselves: CPU vs reference vs Backend default --------------------------------------

    private static Storage put(Backend be, float[] v) {
        if (v == null) return null;
        Storage s = be.allocate(v.length);
        be.write(s, 0, v, 0, v.length);
        return s;
    }

    private static float[] get(Backend be, Storage s, int n) {
        if (s == null) return null;
        float[] v = new float[n];
        be.read(s, 0, v, 0, n);
        return v;
    }

    /** Runs forward and backward coefficient kernels on be; returns every output as float (ref rounded). */
    private static List<float[]> kernels(Backend be, NormSpec p, float[][] in, boolean fixed, boolean running) {
        int rows = p.rows(), c = p.c();
        Storage m = fixed ? null : put(be, in[0]), m2 = fixed ? null : put(be, in[1]);
        Storage fm = fixed ? put(be, in[2]) : null, fv = fixed ? put(be, in[3]) : null;
        Storage gamma = put(be, in[4]), beta = put(be, in[5]), sumG = put(be, in[6]), sumGC = put(be, in[7]);
        Storage rm = running ? put(be, in[8]) : null, rv = running ? put(be, in[9]) : null;
        Storage scale = be.allocate(rows), shift = be.allocate(rows), center = be.allocate(rows);
        be.normForward(p, m, m2, fm, fv, gamma, beta, scale, shift, center, rm, rv, 0.1f);
        Storage a = be.allocate(rows), b = fixed ? null : be.allocate(rows), t = fixed ? null : be.allocate(rows);
        Storage dg = be.allocate(c), db = be.allocate(c);
        be.normBackward(p, m, m2, fm, fv, gamma, sumG, sumGC, a, b, t, dg, db);
        List<float[]> out = new ArrayList<>();
        for (Storage s : new Storage[]{scale, shift, center, a, b, t}) if (s != null) out.add(get(be, s, rows));
        for (Storage s : new Storage[]{dg, db, rm, rv}) if (s != null) out.add(get(be, s, c));
        return out;
    }

    @Test
    void cpuReferenceAndDefaultKernelsAgreeBitForBit() {
        Backend dflt = DefaultKernels.cpuWithDefaults("normForward", "normBackward");
        Random rnd = new Random(400);
        NormSpec[] specs = {NormSpec.grouped(3, 6, 17, 2, 1e-5f), NormSpec.grouped(2, 5, 1, 5, 1e-3f), NormSpec.grouped(7, 1, 130, 1, 1e-5f),
                NormSpec.grouped(1, 12, 9, 12, 1e-5f), NormSpec.batchNorm(4, 7, 13, 1e-5f), NormSpec.batchNorm(9, 3, 1, 1e-5f)};
        for (NormSpec p : specs)
            for (boolean fixed : p.batch() ? new boolean[]{false, true} : new boolean[]{false})
                for (boolean affine : new boolean[]{false, true}) {
                    boolean running = p.batch() && !fixed;
                    int rows = p.rows(), c = p.c();
                    float[][] in = {values(rnd, rows, -2, 3), values(rnd, rows, 0, 4 * p.s()), values(rnd, c, -1, 1),
                            values(rnd, c, 0.3f, 2), affine ? values(rnd, c, 0.5f, 1.5f) : null, affine ? values(rnd, c, -1, 1) : null,
                            values(rnd, rows, -5, 5), values(rnd, rows, -5, 5), values(rnd, c, -1, 1), values(rnd, c, 0.5f, 2)};
                    List<float[]> cpu = kernels(CPU, p, in, fixed, running), ref = kernels(REF, p, in, fixed, running),
                            def = kernels(dflt, p, in, fixed, running);
                    assertEquals(ref.size(), cpu.size());
                    for (int i = 0; i < cpu.size(); i++) {
                        String what = p + " fixed=" + fixed + " affine=" + affine + " output " + i;
                        assertArrayEquals(ref.get(i), cpu.get(i), "cpu vs ref: " + what);
                        assertArrayEquals(cpu.get(i), def.get(i), "cpu vs default: " + what);
                    }
                }
    }

    @Test
    void kernelErrorsAreClear() {
        NormSpec p = NormSpec.grouped(2, 4, 3, 2, 1e-5f);
        Storage s = CPU.allocate(8), c = CPU.allocate(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> CPU.normForward(p, null, null, c, c, null, null, s, s, s, null, null, 0.1f));
        assertEquals(true, e.getMessage().contains("batch mode"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NormSpec.grouped(2, 6, 3, 4, 1e-5f));
        assertEquals(true, e.getMessage().contains("6 channels"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Norms.batchNorm(Tensor.zeros(CPU, 1, 3, 1),
                Tensor.zeros(CPU, 3), Tensor.full(CPU, 1f, 3), null, null, true, 0.1f, 1e-5f));
        assertEquals(true, e.getMessage().contains("more than one value") && e.getMessage().contains("[1, 3, 1]"), e.getMessage());
    }
}
