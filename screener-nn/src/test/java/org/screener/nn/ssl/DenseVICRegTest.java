package org.screener.nn.ssl;

import org.junit.jupiter.api.Test;
import org.screener.core.Tensor;
import org.screener.core.autograd.GradCheck;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DenseVICRegTest {

    /** The loss written out directly in double: the definition of §2.3. */
    static double byHand(double[][] a, double[][] b) {
        int n = a.length, d = a[0].length;
        double inv = 0;
        for (int i = 0; i < n; i++) for (int j = 0; j < d; j++) inv += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
        inv /= n * d;
        double var = 0, cov = 0;
        for (double[][] z : new double[][][]{a, b}) {
            double[] mu = new double[d];
            for (double[] row : z) for (int j = 0; j < d; j++) mu[j] += row[j] / n;
            double[][] c = new double[d][d];
            for (double[] row : z)
                for (int j = 0; j < d; j++) for (int k = 0; k < d; k++) c[j][k] += (row[j] - mu[j]) * (row[k] - mu[k]) / (n - 1);
            double v = 0, off = 0;
            for (int j = 0; j < d; j++) {
                v += Math.max(0, 1 - Math.sqrt(c[j][j] + 1e-4));
                for (int k = 0; k < d; k++) if (k != j) off += c[j][k] * c[j][k];
            }
            var += v / d / 2;
            cov += off / d / 2;
        }
        return 25 * inv + 25 * var + cov;
    }

    static double[][] randomMatrix(Random rnd, int n, int d, double scale) {
        double[][] m = new double[n][d];
        for (double[] r : m) for (int j = 0; j < d; j++) r[j] = rnd.nextGaussian() * scale;
        return m;
    }

    static Tensor tensor(org.screener.core.Backend b, double[][] m) {
        double[] flat = new double[m.length * m[0].length];
        for (int i = 0; i < m.length; i++) System.arraycopy(m[i], 0, flat, i * m[0].length, m[0].length);
        return Tensor.ofDouble(b, flat, m.length, m[0].length);
    }

    @Test void matchesHandComputationOnBothBackends() {
        Random rnd = new Random(1);
        // scale 0.5 keeps some stds below 1 (active hinge); correlated columns give a non-trivial covariance term
        double[][] a = randomMatrix(rnd, 7, 5, 0.5), b = randomMatrix(rnd, 7, 5, 1.5);
        for (double[] r : a) r[1] += r[0];
        double expected = byHand(a, b);
        Tensor ref = DenseVICReg.loss(tensor(GradCheck.ref(), a), tensor(GradCheck.ref(), b));
        assertEquals(expected, ref.itemDouble(), 1e-6 * Math.abs(expected)); // scalar parameters of the ops are float
        Tensor cpu = DenseVICReg.loss(tensor(org.screener.core.Backends.getDefault(), a), tensor(org.screener.core.Backends.getDefault(), b));
        assertEquals(expected, cpu.itemDouble(), 1e-4 * Math.abs(expected));
    }

    @Test void termsAreZeroWhereExpected() {
        // identical views with unit-variance, uncorrelated columns: invariance 0, covariance 0, variance ~ hinge at eps
        double[][] a = {{1, 1}, {-1, 1}, {1, -1}, {-1, -1}};
        Tensor t = tensor(GradCheck.ref(), a);
        assertEquals(0, DenseVICReg.invariance(t, t).itemDouble(), 0);
        assertEquals(0, DenseVICReg.covariance(t).itemDouble(), 1e-12);
        // var (n-1) = 4/3 > 1: hinge inactive
        assertEquals(0, DenseVICReg.variance(t).itemDouble(), 0);
    }

    @Test void gradcheck() {
        Random rnd = new Random(2);
        Tensor a = GradCheck.input(rnd, -1, 1, 6, 4), b = GradCheck.input(rnd, -1, 1, 6, 4);
        GradCheck.check("DenseVICReg", in -> DenseVICReg.loss(in[0], in[1]), a, b);
    }

    @Test void rejectsMismatchedViews() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> DenseVICReg.loss(Tensor.zeros(5, 3), Tensor.zeros(5, 4)));
        assertEquals(true, e.getMessage().startsWith("DenseVICReg"), e.getMessage());
    }
}
