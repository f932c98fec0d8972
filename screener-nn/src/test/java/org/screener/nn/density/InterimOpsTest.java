package org.screener.nn.density;

import org.junit.jupiter.api.Test;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.GradCheck;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InterimOpsTest {

    @Test void conv3dMatchesDirectLoops() {
        Random rnd = new Random(1);
        int n = 2, cin = 3, cout = 5, d = 4, h = 3, w = 5, k = 3, p = 1;
        Tensor x = Tensor.randn(GradCheck.ref(), rnd, 1f, n, cin, d, h, w);
        Tensor wt = Tensor.randn(GradCheck.ref(), rnd, 1f, cout, cin, k, k, k);
        Tensor b = Tensor.randn(GradCheck.ref(), rnd, 1f, cout);
        double[] xa = x.toDoubleArray(), wa = wt.toDoubleArray(), ba = b.toDoubleArray();
        double[] expected = new double[n * cout * d * h * w];
        for (int i = 0; i < n; i++) for (int o = 0; o < cout; o++)
            for (int z = 0; z < d; z++) for (int y = 0; y < h; y++) for (int q = 0; q < w; q++) {
                double s = ba[o];
                for (int c = 0; c < cin; c++) for (int a = 0; a < k; a++) for (int bb = 0; bb < k; bb++) for (int e = 0; e < k; e++) {
                    int zz = z + a - p, yy = y + bb - p, qq = q + e - p;
                    if (zz < 0 || zz >= d || yy < 0 || yy >= h || qq < 0 || qq >= w) continue;
                    s += xa[(((i * cin + c) * d + zz) * h + yy) * w + qq] * wa[(((o * cin + c) * k + a) * k + bb) * k + e];
                }
                expected[(((i * cout + o) * d + z) * h + y) * w + q] = s;
            }
        assertArrayEquals(expected, InterimOps.conv3d(x, wt, b, 1, p).toDoubleArray(), 1e-9);
        assertArrayEquals(new int[]{n, cout, d, h, w}, InterimOps.conv3d(x, wt, b, 1, p).shape());
        Tensor cpu = InterimOps.conv3d(x.to(Backends.getDefault()), wt.to(Backends.getDefault()), b.to(Backends.getDefault()), 1, p);
        assertArrayEquals(expected, cpu.toDoubleArray(), 1e-4);
    }

    @Test void conv3dAndPerVoxelMatmulGradcheck() {
        Random rnd = new Random(2);
        Tensor x = GradCheck.input(rnd, -1, 1, 1, 2, 3, 2, 3), w = GradCheck.input(rnd, -1, 1, 3, 2, 3, 3, 3), b = GradCheck.input(rnd, -1, 1, 3);
        GradCheck.check("conv3d", in -> InterimOps.conv3d(in[0], in[1], in[2], 1, 1), x, w, b);
        Tensor m = GradCheck.input(rnd, -1, 1, 3, 2);
        GradCheck.check("perVoxelMatmul", in -> InterimOps.perVoxelMatmul(in[0], in[1]), m, x);
    }

    @Test void perVoxelMatmulMatchesLoops() {
        Random rnd = new Random(3);
        Tensor w = Tensor.randn(GradCheck.ref(), rnd, 1f, 3, 3), x = Tensor.randn(GradCheck.ref(), rnd, 1f, 2, 3, 1, 2, 2);
        double[] wa = w.toDoubleArray(), xa = x.toDoubleArray(), y = InterimOps.perVoxelMatmul(w, x).toDoubleArray();
        for (int n = 0; n < 2; n++) for (int i = 0; i < 3; i++) for (int v = 0; v < 4; v++) {
            double s = 0;
            for (int j = 0; j < 3; j++) s += wa[i * 3 + j] * xa[(n * 3 + j) * 4 + v];
            assertEquals(s, y[(n * 3 + i) * 4 + v], 1e-12);
        }
    }

    @Test void logAbsDetAndInverse() {
        // det [[0,2,0],[1,0,0],[0,0,-3]] = 6 (needs pivoting)
        Tensor a = Tensor.ofDouble(GradCheck.ref(), new double[]{0, 2, 0, 1, 0, 0, 0, 0, -3}, 3, 3);
        assertEquals(Math.log(6), InterimOps.logAbsDet(a).itemDouble(), 1e-12);
        Random rnd = new Random(4);
        Tensor m = Tensor.randn(GradCheck.ref(), rnd, 1f, 4, 4);
        double[] prod = m.matmul(InterimOps.inverse(m)).toDoubleArray();
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) assertEquals(i == j ? 1 : 0, prod[i * 4 + j], 1e-10);
        GradCheck.check("logAbsDet", in -> InterimOps.logAbsDet(in[0]), GradCheck.input(rnd, -1, 1, 4, 4));
        assertThrows(ArithmeticException.class, () -> InterimOps.logAbsDet(Tensor.zeros(GradCheck.ref(), 2, 2)));
    }

    @Test void reductionsAndCrossEntropy() {
        Random rnd = new Random(5);
        Tensor x = Tensor.randn(GradCheck.ref(), rnd, 3f, 4, 5);
        double[] a = x.toDoubleArray(), lse = InterimOps.logsumexp(x, 1).toDoubleArray(), var = InterimOps.var(x, true, 0).toDoubleArray();
        int[] target = {4, 0, 2, 2};
        double ce = 0;
        for (int i = 0; i < 4; i++) {
            double s = 0;
            for (int j = 0; j < 5; j++) s += Math.exp(a[i * 5 + j]);
            assertEquals(Math.log(s), lse[i], 1e-12);
            ce += (Math.log(s) - a[i * 5 + target[i]]) / 4;
        }
        for (int j = 0; j < 5; j++) {
            double mu = 0, s2 = 0;
            for (int i = 0; i < 4; i++) mu += a[i * 5 + j] / 4;
            for (int i = 0; i < 4; i++) s2 += (a[i * 5 + j] - mu) * (a[i * 5 + j] - mu) / 3;
            assertEquals(s2, var[j], 1e-7 * s2); // the 1/(n-1) factor is a float scalar
        }
        assertEquals(ce, InterimOps.crossEntropy(x, target).itemDouble(), 1e-12);
        // large logits stay finite
        assertEquals(1000 + Math.log(2), InterimOps.logsumexp(Tensor.ofDouble(GradCheck.ref(), new double[]{1000, 1000}, 1, 2), 1).itemDouble(), 1e-9);
        Tensor g = GradCheck.input(rnd, -2, 2, 3, 4);
        GradCheck.check("logsumexp", in -> InterimOps.logsumexp(in[0], 0), g);
        GradCheck.check("var", in -> InterimOps.var(in[0], true, 1), g);
        GradCheck.check("crossEntropy", in -> InterimOps.crossEntropy(in[0], new int[]{3, 0, 1}), g);
        assertThrows(IllegalArgumentException.class, () -> InterimOps.crossEntropy(g, new int[]{4, 0, 0}));
    }
}
