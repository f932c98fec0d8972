package org.screener.nn.density;

import org.screener.core.Tensor;

import java.util.List;
import java.util.Random;

/** Small helpers for the density tests: a plain Adam and random parameter perturbation. */
final class DensityTestUtil {
    private DensityTestUtil() {}

    /** Adam (β = 0.9, 0.999, ε = 1e-8) over plain tensors, state in double. */
    static final class Adam {
        private final List<Tensor> params;
        private final double[][] m, v;
        private final double lr;
        private int t;

        Adam(List<Tensor> params, double lr) {
            this.params = params;
            this.lr = lr;
            m = new double[params.size()][];
            v = new double[params.size()][];
            for (int i = 0; i < params.size(); i++) {
                m[i] = new double[(int) params.get(i).numel()];
                v[i] = new double[m[i].length];
            }
        }

        void step() {
            t++;
            for (int i = 0; i < params.size(); i++) {
                Tensor p = params.get(i);
                if (p.grad() == null) continue;
                double[] g = p.grad().toDoubleArray(), x = p.toDoubleArray();
                for (int j = 0; j < x.length; j++) {
                    m[i][j] = 0.9 * m[i][j] + 0.1 * g[j];
                    v[i][j] = 0.999 * v[i][j] + 0.001 * g[j] * g[j];
                    double mh = m[i][j] / (1 - Math.pow(0.9, t)), vh = v[i][j] / (1 - Math.pow(0.999, t));
                    x[j] -= lr * mh / (Math.sqrt(vh) + 1e-8);
                }
                p.assign(Tensor.ofDouble(p.backend(), x, p.shape()));
                p.zeroGrad();
            }
        }
    }

    /** Adds N(0, std²) noise to every parameter (to move flows away from their identity-like start). */
    static void perturb(DensityModel model, Random rnd, double std) {
        for (Tensor p : model.parameters())
            p.addInPlace(Tensor.randn(p.backend(), rnd, (float) std, p.shape()), 1f);
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
