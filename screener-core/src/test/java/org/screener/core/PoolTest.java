package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Spatial;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PoolTest {
    /** Distinct values (no ties), so max pooling is differentiable at the test point. */
    static Tensor distinct(Random rnd, int... shape) {
        int n = (int) Shape.numel(shape);
        double[] d = new double[n];
        for (int i = 0; i < n; i++) d[i] = i * 0.37 - n * 0.15;
        for (int i = n - 1; i > 0; i--) { int j = rnd.nextInt(i + 1); double t = d[i]; d[i] = d[j]; d[j] = t; }
        return Tensor.ofDouble(GradCheck.ref(), d, shape).requiresGrad(true);
    }

    static int[] v(int... a) { return a; }

    @Test
    void handCheckedValues() {
        Backend[] bes = {GradCheck.ref(), CpuVsRef.cpu()};
        for (Backend be : bes) {
            float[] x = {1, 2, 3, 4, 5, 6, 7, 8};
            Tensor t = Tensor.of(be, x, 1, 1, 2, 2, 2);
            assertArrayEquals(new float[]{4.5f}, Spatial.avgPool3d(t, v(2, 2, 2), v(2, 2, 2), v(0, 0, 0)).toArray(), 1e-6f);
            assertArrayEquals(new float[]{8f}, Spatial.maxPool3d(t, v(2, 2, 2), v(2, 2, 2), v(0, 0, 0)).toArray());
            // pad 1, kernel 2, stride 2: each window holds exactly one real cell; the divisor stays 8
            float[] avg = Spatial.avgPool3d(t, v(2, 2, 2), v(2, 2, 2), v(1, 1, 1)).toArray();
            float[] exp = new float[8];
            for (int i = 0; i < 8; i++) exp[i] = x[i] / 8f;
            assertArrayEquals(exp, avg, 1e-6f);
            // all-negative input: the zero padding must never win
            Tensor neg = Tensor.of(be, new float[]{-1, -2, -3, -4, -5, -6, -7, -8}, 1, 1, 2, 2, 2);
            assertArrayEquals(new float[]{-1, -2, -3, -4, -5, -6, -7, -8},
                    Spatial.maxPool3d(neg, v(2, 2, 2), v(2, 2, 2), v(1, 1, 1)).toArray());
            assertArrayEquals(new float[]{-1, -1, -1, -1, -1, -1, -1, -1}, Spatial.maxPool3d(neg, v(3, 3, 3), v(1, 1, 1), v(1, 1, 1))
                    .toArray(), 0f, "3x3x3 window with padding around a 2x2x2 input");
        }
    }

    @Test
    void maxPoolGradientGoesToFirstMaximum() {
        Tensor x = Tensor.of(GradCheck.ref(), new float[]{3, 1, 3, 2, 0, 0, 0, 0}, 1, 1, 2, 2, 2).requiresGrad(true);
        Spatial.maxPool3d(x, v(2, 2, 2), v(2, 2, 2), v(0, 0, 0)).sum().backward();
        assertArrayEquals(new float[]{1, 0, 0, 0, 0, 0, 0, 0}, x.grad().toArray());
        Tensor xc = x.detach().to(CpuVsRef.cpu()).requiresGrad(true);
        Spatial.maxPool3d(xc, v(2, 2, 2), v(2, 2, 2), v(0, 0, 0)).sum().backward();
        assertArrayEquals(new float[]{1, 0, 0, 0, 0, 0, 0, 0}, xc.grad().toArray());
    }

    @Test
    void gradcheck() {
        Random rnd = new Random(3);
        Tensor x = distinct(rnd, 2, 2, 5, 4, 5);
        GradCheck.check("avgPool3d k2 s2", t -> Spatial.avgPool3d(t[0], v(2, 2, 2), v(2, 2, 2), v(0, 0, 0)), x);
        GradCheck.check("avgPool3d k3 s2 p1", t -> Spatial.avgPool3d(t[0], v(3, 3, 2), v(2, 2, 1), v(1, 1, 1)), x);
        GradCheck.check("maxPool3d k2 s2", t -> Spatial.maxPool3d(t[0], v(2, 2, 2), v(2, 2, 2), v(0, 0, 0)), x);
        GradCheck.check("maxPool3d k3 s2 p1", t -> Spatial.maxPool3d(t[0], v(3, 3, 2), v(2, 2, 1), v(1, 1, 1)), x);
        GradCheck.check("maxPool3d k3 s1 p1 (overlapping)", t -> Spatial.maxPool3d(t[0], v(3, 3, 3), v(1, 1, 1), v(1, 1, 1)), x);
    }

    @Test
    void cpuMatchesRef() {
        Random rnd = new Random(4);
        int[][] cfg = {{2, 2, 0}, {3, 2, 1}, {3, 1, 1}, {2, 3, 1}, {5, 3, 2}};
        for (int[] k : cfg) {
            Tensor x = distinct(rnd, 3, 5, 7, 11, 9);
            int[] ker = v(k[0], k[0], k[0]), st = v(k[1], k[1], k[1]), pd = v(k[2], k[2], k[2]);
            CpuVsRef.check("avgPool3d " + java.util.Arrays.toString(k), t -> Spatial.avgPool3d(t[0], ker, st, pd), 1e-5, x);
            CpuVsRef.check("maxPool3d " + java.util.Arrays.toString(k), t -> Spatial.maxPool3d(t[0], ker, st, pd), 1e-5, x);
        }
        Tensor x = distinct(rnd, 1, 3, 6, 7, 5);
        CpuVsRef.check("maxPool3d anisotropic", t -> Spatial.maxPool3d(t[0], v(1, 3, 2), v(1, 2, 2), v(0, 1, 1)), 1e-5, x);
        CpuVsRef.check("avgPool3d anisotropic", t -> Spatial.avgPool3d(t[0], v(1, 3, 2), v(1, 2, 2), v(0, 1, 1)), 1e-5, x);
    }

    @Test
    void badArgumentsNameOpAndShape() {
        Tensor x = Tensor.zeros(1, 1, 4, 4, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Spatial.maxPool3d(x, v(2, 2, 2), v(2, 2, 2), v(2, 2, 2)));
        assertTrue(e.getMessage().contains("maxPool3d") && e.getMessage().contains("[1, 1, 4, 4, 4]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Spatial.avgPool3d(Tensor.zeros(1, 4, 4), v(2, 2, 2), v(2, 2, 2), v(0, 0, 0)));
        assertTrue(e.getMessage().contains("avgPool3d") && e.getMessage().contains("[1, 4, 4]"), e.getMessage());
    }
}
