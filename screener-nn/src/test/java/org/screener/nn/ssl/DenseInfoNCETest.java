package org.screener.nn.ssl;

import org.junit.jupiter.api.Test;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.GradCheck;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.screener.nn.ssl.DenseVICRegTest.randomMatrix;
import static org.screener.nn.ssl.DenseVICRegTest.tensor;

class DenseInfoNCETest {

    /** §2.4 written out: explicit logit rows with the own entry removed, log-softmax at the positive. */
    static double byHand(double[][] a, double[][] b, double tau) {
        int n = a.length;
        double[][] na = unit(a), nb = unit(b);
        return (side(na, nb, tau) + side(nb, na, tau)) / 2 / n;
    }

    private static double side(double[][] x, double[][] y, double tau) {
        int n = x.length;
        double total = 0;
        for (int i = 0; i < n; i++) {
            double[] row = new double[2 * n - 1];
            int k = 0;
            for (int j = 0; j < n; j++) row[k++] = dot(x[i], y[j]) / tau;
            for (int j = 0; j < n; j++) if (j != i) row[k++] = dot(x[i], x[j]) / tau;
            double lse = 0;
            for (double v : row) lse += Math.exp(v);
            total += Math.log(lse) - row[i];
        }
        return total;
    }

    private static double dot(double[] u, double[] v) {
        double s = 0;
        for (int i = 0; i < u.length; i++) s += u[i] * v[i];
        return s;
    }

    private static double[][] unit(double[][] m) {
        double[][] r = new double[m.length][];
        for (int i = 0; i < m.length; i++) {
            double nrm = Math.sqrt(dot(m[i], m[i]));
            r[i] = new double[m[i].length];
            for (int j = 0; j < m[i].length; j++) r[i][j] = m[i][j] / nrm;
        }
        return r;
    }

    @Test void matchesHandComputationOnBothBackends() {
        Random rnd = new Random(3);
        double[][] a = randomMatrix(rnd, 6, 5, 1), b = randomMatrix(rnd, 6, 5, 1);
        for (int i = 0; i < 6; i++) for (int j = 0; j < 5; j++) b[i][j] = 0.7 * a[i][j] + 0.5 * b[i][j];
        double expected = byHand(a, b, 0.1);
        assertEquals(expected, DenseInfoNCE.loss(tensor(GradCheck.ref(), a), tensor(GradCheck.ref(), b)).itemDouble(), 1e-6 * expected); // scalar parameters of the ops are float
        assertEquals(expected, DenseInfoNCE.loss(tensor(Backends.getDefault(), a), tensor(Backends.getDefault(), b)).itemDouble(), 1e-4 * expected);
        // another temperature; the loss does not depend on the rows' norms
        double[][] a3 = new double[6][5];
        for (int i = 0; i < 6; i++) for (int j = 0; j < 5; j++) a3[i][j] = a[i][j] * (i + 1);
        assertEquals(byHand(a, b, 0.5), DenseInfoNCE.loss(tensor(GradCheck.ref(), a3), tensor(GradCheck.ref(), b), 0.5f).itemDouble(), 1e-6);
    }

    @Test void perfectPairsBeatRandomPairs() {
        Random rnd = new Random(4);
        double[][] a = randomMatrix(rnd, 8, 16, 1), b = randomMatrix(rnd, 8, 16, 1);
        double same = DenseInfoNCE.loss(tensor(GradCheck.ref(), a), tensor(GradCheck.ref(), a)).itemDouble();
        double other = DenseInfoNCE.loss(tensor(GradCheck.ref(), a), tensor(GradCheck.ref(), b)).itemDouble();
        assertEquals(true, same < other, same + " vs " + other);
    }

    @Test void gradcheck() {
        Random rnd = new Random(5);
        Tensor a = GradCheck.input(rnd, -1, 1, 5, 3), b = GradCheck.input(rnd, -1, 1, 5, 3);
        GradCheck.check("DenseInfoNCE", in -> DenseInfoNCE.loss(in[0], in[1]), a, b);
    }

    @Test void rejectsBadInput() {
        assertThrows(IllegalArgumentException.class, () -> DenseInfoNCE.loss(Tensor.zeros(4, 3), Tensor.zeros(3, 3)));
        assertThrows(IllegalArgumentException.class, () -> DenseInfoNCE.loss(Tensor.ones(4, 3), Tensor.ones(4, 3), 0f));
    }
}
