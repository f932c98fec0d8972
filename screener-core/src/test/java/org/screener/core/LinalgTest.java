package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Linalg;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LinalgTest {
    private static final Backend CPU = Backends.get("cpu");

    @Test
    void matmulAllTransposesGradcheck() {
        Random rnd = new Random(1);
        int m = 3, k = 4, n = 5;
        for (int t = 0; t < 4; t++) {
            boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
            Tensor a = GradCheck.input(rnd, -1, 1, ta ? k : m, ta ? m : k);
            Tensor b = GradCheck.input(rnd, -1, 1, tb ? n : k, tb ? k : n);
            GradCheck.check("matmul ta=" + ta + " tb=" + tb, x -> Linalg.matmul(x[0], x[1], ta, tb), a, b);
        }
    }

    @Test
    void bmmGradcheckAndMatchesMatmul() {
        Random rnd = new Random(2);
        Tensor a = GradCheck.input(rnd, -1, 1, 3, 2, 4), b = GradCheck.input(rnd, -1, 1, 3, 4, 5);
        GradCheck.check("bmm", x -> Linalg.bmm(x[0], x[1]), a, b);
        // item 1 against a plain matmul of the slices
        double[] ad = a.toDoubleArray(), bd = b.toDoubleArray(), cd = Linalg.bmm(a, b).toDoubleArray();
        double[] a1 = java.util.Arrays.copyOfRange(ad, 8, 16), b1 = java.util.Arrays.copyOfRange(bd, 20, 40);
        double[] c1 = Linalg.matmul(Tensor.ofDouble(a.backend(), a1, 2, 4), Tensor.ofDouble(b.backend(), b1, 4, 5)).toDoubleArray();
        for (int i = 0; i < 10; i++) assertEquals(c1[i], cd[10 + i], 1e-12);
        assertThrows(IllegalArgumentException.class, () -> Linalg.bmm(Tensor.zeros(2, 3, 4), Tensor.zeros(3, 4, 5)));
    }

    /** Diagonally dominant: well conditioned, so finite differences are accurate. */
    private static Tensor wellConditioned(Random rnd, int d, boolean negativeDet) {
        double[] x = new double[d * d];
        for (int i = 0; i < d; i++)
            for (int j = 0; j < d; j++) x[i * d + j] = (i == j ? 3 : 0) + rnd.nextDouble() - 0.5;
        if (negativeDet) for (int j = 0; j < d; j++) x[j] = -x[j];   // flip one row's sign
        return Tensor.ofDouble(GradCheck.ref(), x, d, d).requiresGrad(true);
    }

    @Test
    void inverseGradcheckAndIdentity() {
        Random rnd = new Random(3);
        Tensor a = wellConditioned(rnd, 4, false);
        GradCheck.check("inverse", x -> Linalg.inverse(x[0]), a);
        double[] prod = Linalg.matmul(a, Linalg.inverse(a)).toDoubleArray();
        for (int i = 0; i < 4; i++)
            for (int j = 0; j < 4; j++) assertEquals(i == j ? 1 : 0, prod[i * 4 + j], 1e-12);
        // singular: all NaN, nothing thrown (a throw would need the result on the host every call)
        for (Backend be : new Backend[]{CPU, GradCheck.ref()})
            for (double v : Linalg.inverse(Tensor.of(be, new float[]{1, 2, 2, 4}, 2, 2)).toDoubleArray())
                assertTrue(Double.isNaN(v), be.name() + ": inverse of a singular matrix is NaN");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Linalg.inverse(Tensor.zeros(CPU, 2, 3)));
        assertTrue(e.getMessage().contains("inverse") && e.getMessage().contains("[2, 3]"), e.getMessage());
    }

    @Test
    void logAbsDetMatchesHandComputedDeterminant() {
        // det [[4,3,0],[2,1,5],[0,2,1]] = 4(1*1 - 5*2) - 3(2*1 - 5*0) + 0 = -36 - 6 = -42
        Tensor a = Tensor.of(CPU, new float[]{4, 3, 0, 2, 1, 5, 0, 2, 1}, 3, 3);
        assertEquals(Math.log(42), Linalg.logAbsDet(a).itemDouble(), 1e-6);
        // cofactor expansion of random 3x3 matrices
        Random rnd = new Random(4);
        for (int t = 0; t < 5; t++) {
            double[] m = new double[9];
            for (int i = 0; i < 9; i++) m[i] = rnd.nextDouble() * 4 - 2;
            double det = m[0] * (m[4] * m[8] - m[5] * m[7]) - m[1] * (m[3] * m[8] - m[5] * m[6]) + m[2] * (m[3] * m[7] - m[4] * m[6]);
            assertEquals(Math.log(Math.abs(det)), Linalg.logAbsDet(Tensor.ofDouble(GradCheck.ref(), m, 3, 3)).itemDouble(), 1e-10);
        }
        // diagonal: product of the entries, far beyond float range without the log
        double[] diag = new double[64 * 64];
        for (int i = 0; i < 64; i++) diag[i * 64 + i] = 1e10;
        assertEquals(64 * Math.log(1e10), Linalg.logAbsDet(Tensor.ofDouble(GradCheck.ref(), diag, 64, 64)).itemDouble(), 1e-9);
        // singular: log 0 = -inf; a non-finite entry: NaN
        for (Backend be : new Backend[]{CPU, GradCheck.ref()}) {
            assertEquals(Double.NEGATIVE_INFINITY, Linalg.logAbsDet(Tensor.of(be, new float[]{1, 2, 2, 4}, 2, 2)).itemDouble(), be.name());
            assertTrue(Double.isNaN(Linalg.logAbsDet(Tensor.of(be, new float[]{1, Float.NaN, 2, 4}, 2, 2)).itemDouble()), be.name());
        }
        assertThrows(IllegalArgumentException.class, () -> Linalg.logAbsDet(Tensor.zeros(2, 3)));
    }

    @Test
    void logAbsDetGradcheck() {
        Random rnd = new Random(5);
        GradCheck.check("logAbsDet", x -> Linalg.logAbsDet(x[0]), wellConditioned(rnd, 4, false));
        GradCheck.check("logAbsDet negative det", x -> Linalg.logAbsDet(x[0]), wellConditioned(rnd, 3, true));
    }

    @Test
    void perVoxelMatmulGradcheck() {
        Random rnd = new Random(6);
        Tensor w = GradCheck.input(rnd, -1, 1, 3, 3), x = GradCheck.input(rnd, -1, 1, 2, 3, 2, 1, 3);
        GradCheck.check("perVoxelMatmul", t -> Linalg.perVoxelMatmul(t[0], t[1]), w, x);
        Tensor w2 = GradCheck.input(rnd, -1, 1, 2, 3), x2 = GradCheck.input(rnd, -1, 1, 2, 3, 5);
        GradCheck.check("perVoxelMatmul rectangular rank 3", t -> Linalg.perVoxelMatmul(t[0], t[1]), w2, x2);
    }

    /** The definition, voxel by voxel, on the fast backend (float tolerance). */
    @Test
    void perVoxelMatmulMatchesDefinitionOnCpu() {
        Random rnd = new Random(7);
        int n = 2, d = 5, vd = 3, vh = 7, vw = 11, v = vd * vh * vw;
        Tensor w = Tensor.randn(CPU, rnd, 1f, d, d), x = Tensor.randn(CPU, rnd, 1f, n, d, vd, vh, vw);
        float[] y = Linalg.perVoxelMatmul(w, x).toArray(), wf = w.toArray(), xf = x.toArray();
        for (int b = 0; b < n; b++)
            for (int o = 0; o < d; o++)
                for (int s = 0; s < v; s++) {
                    double e = 0;
                    for (int i = 0; i < d; i++) e += (double) wf[o * d + i] * xf[(b * d + i) * v + s];
                    assertEquals(e, y[(b * d + o) * v + s], 1e-5);
                }
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
                () -> Linalg.perVoxelMatmul(Tensor.zeros(CPU, 4, 4), Tensor.zeros(CPU, 1, 3, 2, 2, 2)));
        assertTrue(ex.getMessage().contains("perVoxelMatmul") && ex.getMessage().contains("[1, 3, 2, 2, 2]"), ex.getMessage());
    }
}
