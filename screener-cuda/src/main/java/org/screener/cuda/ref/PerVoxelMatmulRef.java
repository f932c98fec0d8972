package org.screener.cuda.ref;

/**
 * Double-precision reference of the {@code per_voxel_matmul} kernels: y[n,:,v] = W·x[n,:,v] with W (p, d),
 * x (N, d, V), y (N, p, V); backward dx = Wᵀ·dy and dW = Σ_{n,v} dy[n,:,v]·x[n,:,v]ᵀ. Same definition as
 * {@code org.screener.core.ops.Linalg.perVoxelMatmul}.
 */
public final class PerVoxelMatmulRef {
    private PerVoxelMatmulRef() {}

    public static double[] forward(double[] w, double[] x, int n, int p, int d, int v) {
        check(w, x, n, p, d, v);
        double[] y = new double[n * p * v];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < p; o++)
                for (int s = 0; s < v; s++) {
                    double acc = 0;
                    for (int i = 0; i < d; i++) acc += w[o * d + i] * x[(b * d + i) * v + s];
                    y[(b * p + o) * v + s] = acc;
                }
        return y;
    }

    /** dx (N, d, V) = Wᵀ·dy for dy (N, p, V). */
    public static double[] backwardX(double[] w, double[] dy, int n, int p, int d, int v) {
        Shapes.checkDims("per_voxel_matmul backward", n, p, v);
        Shapes.checkLen("per_voxel_matmul backward", "dy", dy, (long) n * p * v);
        Shapes.checkLen("per_voxel_matmul backward", "w", w, (long) p * d);
        double[] dx = new double[n * d * v];
        for (int b = 0; b < n; b++)
            for (int i = 0; i < d; i++)
                for (int s = 0; s < v; s++) {
                    double acc = 0;
                    for (int o = 0; o < p; o++) acc += w[o * d + i] * dy[(b * p + o) * v + s];
                    dx[(b * d + i) * v + s] = acc;
                }
        return dx;
    }

    /** dW (p, d) = Σ_{n,v} dy[n,:,v]·x[n,:,v]ᵀ. */
    public static double[] backwardW(double[] dy, double[] x, int n, int p, int d, int v) {
        Shapes.check("per_voxel_matmul dW", n, d, v, x);
        Shapes.checkLen("per_voxel_matmul dW", "dy", dy, (long) n * p * v);
        double[] dw = new double[p * d];
        for (int b = 0; b < n; b++)
            for (int o = 0; o < p; o++)
                for (int i = 0; i < d; i++) {
                    double acc = 0;
                    for (int s = 0; s < v; s++) acc += dy[(b * p + o) * v + s] * x[(b * d + i) * v + s];
                    dw[o * d + i] += acc;
                }
        return dw;
    }

    private static void check(double[] w, double[] x, int n, int p, int d, int v) {
        Shapes.check("per_voxel_matmul", n, d, v, x);
        if (p <= 0) throw new IllegalArgumentException("per_voxel_matmul: bad output channel count p=" + p);
        Shapes.checkLen("per_voxel_matmul", "w", w, (long) p * d);
    }
}
