package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Norms;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NormsTest {
    /** Textbook group norm on (N, C, S) in plain double loops: the independent definition to compare against. */
    static double[] naiveGroupNorm(double[] x, int n, int c, int s, int groups, double[] gamma, double[] beta, double eps) {
        double[] y = new double[x.length];
        int cpg = c / groups;
        for (int b = 0; b < n; b++)
            for (int g = 0; g < groups; g++) {
                double sum = 0, sq = 0;
                int cnt = cpg * s;
                for (int ch = g * cpg; ch < (g + 1) * cpg; ch++)
                    for (int i = 0; i < s; i++) sum += x[(b * c + ch) * s + i];
                double mean = sum / cnt;
                for (int ch = g * cpg; ch < (g + 1) * cpg; ch++)
                    for (int i = 0; i < s; i++) { double d = x[(b * c + ch) * s + i] - mean; sq += d * d; }
                double rstd = 1 / Math.sqrt(sq / cnt + eps);
                for (int ch = g * cpg; ch < (g + 1) * cpg; ch++)
                    for (int i = 0; i < s; i++) {
                        int k = (b * c + ch) * s + i;
                        y[k] = (x[k] - mean) * rstd * (gamma == null ? 1 : gamma[ch]) + (beta == null ? 0 : beta[ch]);
                    }
            }
        return y;
    }

    @Test
    void groupNormForwardMatchesTextbook() {
        Random rnd = new Random(10);
        for (Backend be : new Backend[]{GradCheck.ref(), CpuVsRef.cpu()}) {
            Tensor gamma = Tensor.rand(be, rnd, 0.5f, 1.5f, 6), beta = Tensor.rand(be, rnd, -1f, 1f, 6);
            // spatial sizes on both sides of the short-row switch (64 values per channel), and (N, C) features
            int[][] shapes = {{2, 6, 3, 4, 5}, {2, 6, 4, 4, 5}, {3, 6}};
            for (int[] shape : shapes) {
                Tensor xs = Tensor.rand(be, rnd, -2f, 5f, shape);
                int s = (int) (xs.numel() / (shape[0] * 6));
                for (int groups : new int[]{1, 2, 3, 6}) {
                    if (6 / groups * s == 1) continue;   // one value per group: x − mean is pure rounding, amplified by 1/sqrt(eps)
                    double[] exp = naiveGroupNorm(xs.toDoubleArray(), shape[0], 6, s, groups, gamma.toDoubleArray(), beta.toDoubleArray(), 1e-5);
                    double tol = be == GradCheck.ref() ? 1e-12 : 1e-5;
                    CpuVsRef.assertClose("groupNorm G=" + groups + " " + Shape.str(shape) + " on " + be.name(), exp,
                            Norms.groupNorm(xs, groups, gamma, beta, 1e-5f).toDoubleArray(), tol, tol);
                }
            }
            Tensor x = Tensor.rand(be, rnd, -2f, 5f, 2, 6, 3, 4, 5);
            // instance norm = one group per channel, no affine
            CpuVsRef.assertClose("instanceNorm on " + be.name(), naiveGroupNorm(x.toDoubleArray(), 2, 6, 60, 6, null, null, 1e-5),
                    Norms.instanceNorm(x, null, null, 1e-5f).toDoubleArray(), 1e-5, 1e-5);
            // layer norm over the last axis = group norm of (rows, 1, C)
            Tensor m = Tensor.rand(be, rnd, -3f, 3f, 7, 9);
            double[] g9 = Tensor.rand(be, rnd, 0.5f, 1.5f, 9).toDoubleArray();
            double[] expL = naiveGroupNorm(m.toDoubleArray(), 7, 1, 9, 1, null, null, 1e-5);
            for (int i = 0; i < expL.length; i++) expL[i] = expL[i] * g9[i % 9] + 0.5;
            CpuVsRef.assertClose("layerNorm on " + be.name(), expL, Norms.layerNorm(m, Tensor.ofDouble(be, g9, 9),
                    Tensor.full(be, 0.5f, 9), 1e-5f).toDoubleArray(), 1e-5, 1e-5);
        }
    }

    @Test
    void batchNormTrainingAndRunningStats() {
        Random rnd = new Random(11);
        int n = 3, c = 4, s = 10;
        Tensor x = Tensor.rand(GradCheck.ref(), rnd, -2f, 3f, n, c, 2, 5);
        double[] xv = x.toDoubleArray();
        Tensor rm = Tensor.full(GradCheck.ref(), 0.5f, c), rv = Tensor.full(GradCheck.ref(), 2f, c);
        Tensor y = Norms.batchNorm(x, rm, rv, null, null, true, 0.1f, 1e-5f);
        double[] yv = y.toDoubleArray(), rmv = rm.toDoubleArray(), rvv = rv.toDoubleArray();
        for (int ch = 0; ch < c; ch++) {
            double sum = 0, sq = 0;
            for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) sum += xv[(b * c + ch) * s + i];
            double mean = sum / (n * s);
            for (int b = 0; b < n; b++) for (int i = 0; i < s; i++) { double d = xv[(b * c + ch) * s + i] - mean; sq += d * d; }
            double var = sq / (n * s);
            for (int b = 0; b < n; b++)
                for (int i = 0; i < s; i++) {
                    int k = (b * c + ch) * s + i;
                    assertTrue(Math.abs(yv[k] - (xv[k] - mean) / Math.sqrt(var + 1e-5)) < 1e-9);
                }
            assertTrue(Math.abs(rmv[ch] - (0.9 * 0.5 + 0.1 * mean)) < 1e-7, "running mean");
            assertTrue(Math.abs(rvv[ch] - (0.9 * 2 + 0.1 * sq / (n * s - 1))) < 1e-7, "running var (unbiased)");
        }
        // evaluation uses the running statistics
        double[] ye = Norms.batchNorm(x, rm, rv, null, null, false, 0.1f, 1e-5f).toDoubleArray();
        for (int k = 0; k < xv.length; k++) {
            int ch = (k / s) % c;
            assertTrue(Math.abs(ye[k] - (xv[k] - rmv[ch]) / Math.sqrt(rvv[ch] + 1e-5)) < 1e-9);
        }
        assertArrayEquals(rmv, rm.toDoubleArray(), "eval leaves running stats alone");
    }

    @Test
    void gradcheck() {
        Random rnd = new Random(12);
        Tensor x = GradCheck.input(rnd, -2, 2, 2, 6, 3, 2, 2);
        Tensor gamma = GradCheck.input(rnd, 0.5, 1.5, 6), beta = GradCheck.input(rnd, -1, 1, 6);
        for (int groups : new int[]{1, 2, 3, 6})
            GradCheck.check("groupNorm G=" + groups, t -> Norms.groupNorm(t[0], groups, t[1], t[2], 1e-5f), x, gamma, beta);
        GradCheck.check("groupNorm no affine", t -> Norms.groupNorm(t[0], 3, null, null, 1e-5f), x);
        // 64 values per channel: the per-(n, c)-row path with gamma folded into the row scale
        Tensor xl = GradCheck.input(rnd, -2, 2, 1, 4, 4, 4, 4);
        Tensor g4 = GradCheck.input(rnd, 0.5, 1.5, 4), b4 = GradCheck.input(rnd, -1, 1, 4);
        GradCheck.check("groupNorm long rows G=2", t -> Norms.groupNorm(t[0], 2, t[1], t[2], 1e-5f), xl, g4, b4);
        GradCheck.check("groupNorm (N, C)", t -> Norms.groupNorm(t[0], 2, t[1], t[2], 1e-5f), GradCheck.input(rnd, -2, 2, 3, 4), g4, b4);
        Tensor x3 = GradCheck.input(rnd, -2, 2, 3, 4, 5);
        GradCheck.check("groupNorm rank 3", t -> Norms.groupNorm(t[0], 2, t[1], null, 1e-5f), x3, GradCheck.input(rnd, 0.5, 1.5, 4));
        GradCheck.check("instanceNorm", t -> Norms.instanceNorm(t[0], t[1], t[2], 1e-5f), x, gamma, beta);
        Tensor m = GradCheck.input(rnd, -2, 2, 5, 7);
        Tensor g7 = GradCheck.input(rnd, 0.5, 1.5, 7), b7 = GradCheck.input(rnd, -1, 1, 7);
        GradCheck.check("layerNorm", t -> Norms.layerNorm(t[0], t[1], t[2], 1e-5f), m, g7, b7);
        GradCheck.check("layerNorm rank 3 no affine", t -> Norms.layerNorm(t[0], null, null, 1e-5f), GradCheck.input(rnd, -2, 2, 2, 3, 4));
        Tensor rm = Tensor.zeros(GradCheck.ref(), 6), rv = Tensor.full(GradCheck.ref(), 1f, 6);
        GradCheck.check("batchNorm training", t -> Norms.batchNorm(t[0], rm, rv, t[1], t[2], true, 0.1f, 1e-5f), x, gamma, beta);
        GradCheck.check("batchNorm training rank 2", t -> Norms.batchNorm(t[0], null, null, t[1], t[2], true, 0.1f, 1e-5f),
                GradCheck.input(rnd, -2, 2, 5, 6), gamma, beta);
        Tensor rm2 = Tensor.rand(GradCheck.ref(), rnd, -0.5f, 0.5f, 6), rv2 = Tensor.rand(GradCheck.ref(), rnd, 0.5f, 2f, 6);
        GradCheck.check("batchNorm eval", t -> Norms.batchNorm(t[0], rm2, rv2, t[1], t[2], false, 0.1f, 1e-5f), x, gamma, beta);
    }

    @Test
    void cpuMatchesRef() {
        Random rnd = new Random(13);
        Tensor x = GradCheck.input(rnd, -1, 3, 2, 8, 5, 3, 7);
        Tensor gamma = GradCheck.input(rnd, 0.5, 1.5, 8), beta = GradCheck.input(rnd, -1, 1, 8);
        CpuVsRef.check("groupNorm", t -> Norms.groupNorm(t[0], 4, t[1], t[2], 1e-5f), 2e-5, x, gamma, beta);
        CpuVsRef.check("groupNorm short rows", t -> Norms.groupNorm(t[0], 4, t[1], t[2], 1e-5f), 2e-5,
                GradCheck.input(rnd, -1, 3, 3, 8, 3, 1, 5), gamma, beta);
        CpuVsRef.check("groupNorm (N, C)", t -> Norms.groupNorm(t[0], 2, t[1], t[2], 1e-5f), 2e-5,
                GradCheck.input(rnd, -1, 3, 5, 8), gamma, beta);
        CpuVsRef.check("instanceNorm", t -> Norms.instanceNorm(t[0], t[1], t[2], 1e-5f), 2e-5, x, gamma, beta);
        CpuVsRef.check("layerNorm", t -> Norms.layerNorm(t[0], t[1], t[2], 1e-5f), 2e-5,
                GradCheck.input(rnd, -1, 3, 33, 17), GradCheck.input(rnd, 0.5, 1.5, 17), GradCheck.input(rnd, -1, 1, 17));
        CpuVsRef.check("batchNorm training", t -> Norms.batchNorm(t[0], null, null, t[1], t[2], true, 0.1f, 1e-5f), 2e-5,
                x, gamma, beta);
        Tensor rmR = Tensor.rand(GradCheck.ref(), rnd, -0.5f, 0.5f, 8), rvR = Tensor.rand(GradCheck.ref(), rnd, 0.5f, 2f, 8);
        Tensor rmC = rmR.to(CpuVsRef.cpu()), rvC = rvR.to(CpuVsRef.cpu());
        CpuVsRef.check("batchNorm eval", t -> Norms.batchNorm(t[0], t[0].backend() == GradCheck.ref() ? rmR : rmC,
                t[0].backend() == GradCheck.ref() ? rvR : rvC, t[1], t[2], false, 0.1f, 1e-5f), 2e-5, x, gamma, beta);
    }

    @Test
    void cpuRowKernelsMatchDefaultComposition() {
        // the fused CPU kernels against the Backend default methods (run on the reference backend)
        Random rnd = new Random(14);
        int rows = 7, cols = 13;
        Backend ref = GradCheck.ref(), cpu = CpuVsRef.cpu();
        Tensor a = Tensor.rand(ref, rnd, -1, 2, rows, cols), b = Tensor.rand(ref, rnd, -1, 2, rows, cols);
        Tensor s1 = Tensor.rand(ref, rnd, -1, 1, rows), s2 = Tensor.rand(ref, rnd, -1, 1, rows), s3 = Tensor.rand(ref, rnd, -1, 1, rows);
        Tensor[] r = run(ref, a, b, s1, s2, s3, rows, cols), c = run(cpu, a.to(cpu), b.to(cpu), s1.to(cpu), s2.to(cpu), s3.to(cpu), rows, cols);
        for (int i = 0; i < r.length; i++) CpuVsRef.assertClose("row kernel output " + i, r[i].toDoubleArray(), c[i].toDoubleArray(), 1e-5, 1e-5);
    }

    private static Tensor[] run(Backend be, Tensor a, Tensor b, Tensor s1, Tensor s2, Tensor s3, int rows, int cols) {
        Tensor mean = Tensor.zeros(be, rows), m2 = Tensor.zeros(be, rows), sum = Tensor.zeros(be, rows), dot = Tensor.zeros(be, rows);
        Tensor sum0 = Tensor.zeros(be, rows), dot0 = Tensor.zeros(be, rows);
        Tensor o1 = Tensor.zeros(be, rows, cols), o2 = Tensor.zeros(be, rows, cols);
        be.rowMoments(a.storage(), rows, cols, mean.storage(), m2.storage());
        be.rowDots(a.storage(), b.storage(), s1.storage(), rows, cols, sum.storage(), dot.storage());
        be.rowDots(a.storage(), b.storage(), null, rows, cols, sum0.storage(), dot0.storage());
        be.rowAffine(a.storage(), s1.storage(), b.storage(), s2.storage(), s3.storage(), rows, cols, o1.storage());
        be.rowAffine(a.storage(), s1.storage(), null, null, null, rows, cols, o2.storage());
        return new Tensor[]{mean, m2, sum, dot, dot0, o1, o2};
    }

    @Test
    void errorsNameOpAndShapes() {
        Tensor x = Tensor.zeros(2, 6, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Norms.groupNorm(x, 4, null, null, 1e-5f));
        assertTrue(e.getMessage().contains("groupNorm") && e.getMessage().contains("[2, 6, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Norms.layerNorm(x, Tensor.zeros(6), null, 1e-5f));
        assertTrue(e.getMessage().contains("layerNorm") && e.getMessage().contains("[6]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Norms.batchNorm(Tensor.zeros(4), null, null, null, null, true, 0.1f, 1e-5f));
        assertTrue(e.getMessage().contains("batchNorm") && e.getMessage().contains("[4]"), e.getMessage());
    }
}
