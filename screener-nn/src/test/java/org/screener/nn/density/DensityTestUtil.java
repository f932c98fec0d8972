package org.screener.nn.density;

import org.screener.core.Tensor;
import org.screener.nn.Parameter;

import java.util.Random;

/** Small helpers for the density tests: random parameter perturbation, a determinant. */
final class DensityTestUtil {
    private DensityTestUtil() {}

    /** Adds N(0, std²) noise to every parameter (to move flows away from their identity-like start). */
    static void perturb(DensityModel model, Random rnd, double std) {
        for (Parameter p : model.parameters())
            p.tensor().addInPlace(Tensor.randn(p.tensor().backend(), rnd, (float) std, p.shape()), 1f);
    }

    /** Determinant by Gaussian elimination with partial pivoting (independent of Linalg.logAbsDet). */
    static double det(double[][] a0) {
        int n = a0.length;
        double[][] a = new double[n][];
        for (int i = 0; i < n; i++) a[i] = a0[i].clone();
        double det = 1;
        for (int k = 0; k < n; k++) {
            int p = k;
            for (int i = k + 1; i < n; i++) if (Math.abs(a[i][k]) > Math.abs(a[p][k])) p = i;
            if (p != k) { double[] t = a[p]; a[p] = a[k]; a[k] = t; det = -det; }
            det *= a[k][k];
            for (int i = k + 1; i < n; i++) {
                double f = a[i][k] / a[k][k];
                for (int j = k; j < n; j++) a[i][j] -= f * a[k][j];
            }
        }
        return det;
    }
}
