package org.screener.nn.density;

import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Reductions;
import org.screener.core.ops.Shapes;

/**
 * Ops of OPS_API.md that were not yet in main when the ssl/density code was written, built here from ops that
 * are (so they are differentiable through the existing backwards), with the OPS_API names and signatures.
 * Once Reductions.var/logsumexp, Losses.crossEntropy, Conv.conv3d and Linalg.perVoxelMatmul/logAbsDet are in
 * main, callers switch to those and this class goes. Only what ssl/density need is covered (conv3d: stride 1,
 * groups 1, cube kernels).
 */
public final class InterimOps {
    private InterimOps() {}

    /** Variance over axes (dropped); unbiased uses the n−1 normaliser. */
    public static Tensor var(Tensor x, boolean unbiased, int... axes) {
        int[] ks = Shape.reduced("var", x.shape(), axes);
        long n = x.numel() / Shape.numel(ks);
        if (unbiased && n < 2) throw new IllegalArgumentException("var: unbiased variance needs 2+ elements per group, shape " + Shape.str(x.shape()));
        Tensor c = x.sub(Reductions.meanKeep(x, axes));
        return Reductions.sum(c.square(), axes).mul((float) (1.0 / (unbiased ? n - 1 : n)));
    }

    /** log Σ exp along one axis (dropped); the per-row max is subtracted as a constant for stability. */
    public static Tensor logsumexp(Tensor x, int axis) {
        int[] s = x.shape();
        int ax = Shape.axis("logsumexp", axis, s.length);
        int outer = 1, inner = 1, n = s[ax];
        for (int i = 0; i < ax; i++) outer *= s[i];
        for (int i = ax + 1; i < s.length; i++) inner *= s[i];
        float[] v = x.toArray();
        float[] m = new float[outer * inner];
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < inner; j++) {
                float mx = Float.NEGATIVE_INFINITY;
                for (int k = 0; k < n; k++) mx = Math.max(mx, v[(o * n + k) * inner + j]);
                m[o * inner + j] = Float.isInfinite(mx) ? 0f : mx;
            }
        int[] ks = s.clone();
        ks[ax] = 1;
        Tensor mk = Tensor.of(x.backend(), m, ks);
        Tensor lse = Reductions.sumKeep(x.sub(mk).exp(), ax).log().add(mk);
        return Shapes.reshape(lse, Shape.squeeze(ks, new int[]{ax}));
    }

    /** Mean cross-entropy of (M, C) logits against class indices. */
    public static Tensor crossEntropy(Tensor logits, int[] target) {
        if (logits.rank() != 2 || target.length != logits.dim(0))
            throw new IllegalArgumentException("crossEntropy: logits " + Shape.str(logits.shape()) + " with " + target.length + " targets");
        int m = logits.dim(0), c = logits.dim(1);
        float[] oneHot = new float[m * c];
        for (int i = 0; i < m; i++) {
            if (target[i] < 0 || target[i] >= c)
                throw new IllegalArgumentException("crossEntropy: target " + target[i] + " at " + i + " outside [0, " + c + ")");
            oneHot[i * c + target[i]] = 1f;
        }
        Tensor picked = Reductions.sum(logits.mul(Tensor.of(logits.backend(), oneHot, m, c)), 1);
        return Reductions.mean(logsumexp(logits, 1).sub(picked));
    }

    /** y[n,:,v] = w · x[n,:,v] for w (d_out, d_in), x (N, d_in, D, H, W). */
    public static Tensor perVoxelMatmul(Tensor w, Tensor x) {
        if (w.rank() != 2 || x.rank() != 5 || w.dim(1) != x.dim(1))
            throw new IllegalArgumentException("perVoxelMatmul: w " + Shape.str(w.shape()) + " and x " + Shape.str(x.shape()));
        int[] s = x.shape();
        Tensor rows = Shapes.reshape(Shapes.permute(x, 0, 2, 3, 4, 1), s[0] * s[2] * s[3] * s[4], s[1]);
        Tensor y = Linalg.matmul(rows, w, false, true);
        return Shapes.permute(Shapes.reshape(y, s[0], s[2], s[3], s[4], w.dim(0)), 0, 4, 1, 2, 3);
    }

    /** Stride-1 3D convolution with zero padding pad, cube kernel, groups 1 (im2col + one matmul). */
    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        if (stride != 1) throw new IllegalArgumentException("conv3d (interim): only stride 1, got " + stride);
        if (x.rank() != 5 || w.rank() != 5 || w.dim(1) != x.dim(1) || w.dim(2) != w.dim(3) || w.dim(2) != w.dim(4))
            throw new IllegalArgumentException("conv3d: x " + Shape.str(x.shape()) + " and w " + Shape.str(w.shape()));
        int n = x.dim(0), cin = x.dim(1), cout = w.dim(0), k = w.dim(2);
        int od = x.dim(2) + 2 * pad - k + 1, oh = x.dim(3) + 2 * pad - k + 1, ow = x.dim(4) + 2 * pad - k + 1;
        if (od < 1 || oh < 1 || ow < 1)
            throw new IllegalArgumentException("conv3d: kernel " + k + " larger than padded input " + Shape.str(x.shape()));
        Tensor xt = Shapes.permute(pad > 0 ? Shapes.pad(x, new int[]{0, 0, pad, pad, pad}, new int[]{0, 0, pad, pad, pad}) : x,
                0, 2, 3, 4, 1);
        int m = n * od * oh * ow;
        Tensor[] taps = new Tensor[k * k * k];
        int t = 0;
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                for (int c = 0; c < k; c++)
                    taps[t++] = Shapes.reshape(Shapes.crop(xt, new int[]{0, a, b, c, 0}, new int[]{n, od, oh, ow, cin}), m, cin);
        Tensor cols = taps.length == 1 ? taps[0] : Shapes.concat(1, taps);
        // w (Cout, Cin, k, k, k) -> (Cout, k^3 * Cin) matching the tap-major column order
        Tensor wm = Shapes.reshape(Shapes.permute(Shapes.reshape(w, cout, cin, k * k * k), 0, 2, 1), cout, k * k * k * cin);
        Tensor y = Linalg.matmul(cols, wm, false, true);
        if (bias != null) y = y.add(Shapes.reshape(bias, 1, cout));
        return Shapes.permute(Shapes.reshape(y, n, od, oh, ow, cout), 0, 4, 1, 2, 3);
    }

    /** log|det a| of a square matrix, computed in double by LU with partial pivoting; gradient g·a^{-T}. */
    public static Tensor logAbsDet(Tensor a) {
        if (a.rank() != 2 || a.dim(0) != a.dim(1))
            throw new IllegalArgumentException("logAbsDet: needs a square matrix, got " + Shape.str(a.shape()));
        int d = a.dim(0);
        double[] lu = a.toDoubleArray();
        int[] perm = luInPlace("logAbsDet", lu, d);
        double s = 0;
        for (int i = 0; i < d; i++) s += Math.log(Math.abs(lu[i * d + i]));
        Tensor out = Tensor.ofDouble(a.backend(), new double[]{s});
        return Autograd.record(out, "logAbsDet", new Tensor[]{a}, g -> {
            double[] invT = transpose(inverseFromLu(lu, perm, d), d);
            double gv = g.itemDouble();
            for (int i = 0; i < invT.length; i++) invT[i] *= gv;
            return new Tensor[]{Tensor.ofDouble(a.backend(), invT, d, d)};
        });
    }

    /** Inverse of a square matrix in double (no gradient; used for flow inversion). */
    public static Tensor inverse(Tensor a) {
        if (a.rank() != 2 || a.dim(0) != a.dim(1))
            throw new IllegalArgumentException("inverse: needs a square matrix, got " + Shape.str(a.shape()));
        int d = a.dim(0);
        double[] lu = a.toDoubleArray();
        int[] perm = luInPlace("inverse", lu, d);
        return Tensor.ofDouble(a.backend(), inverseFromLu(lu, perm, d), d, d);
    }

    /** Doolittle LU with row pivoting in place; returns the row permutation (row i of PA is row perm[i] of A). */
    static int[] luInPlace(String op, double[] a, int d) {
        int[] perm = new int[d];
        for (int i = 0; i < d; i++) perm[i] = i;
        for (int k = 0; k < d; k++) {
            int p = k;
            for (int i = k + 1; i < d; i++) if (Math.abs(a[i * d + k]) > Math.abs(a[p * d + k])) p = i;
            if (a[p * d + k] == 0) throw new ArithmeticException(op + ": singular " + d + "x" + d + " matrix");
            if (p != k) {
                for (int j = 0; j < d; j++) { double t = a[k * d + j]; a[k * d + j] = a[p * d + j]; a[p * d + j] = t; }
                int t = perm[k]; perm[k] = perm[p]; perm[p] = t;
            }
            for (int i = k + 1; i < d; i++) {
                double f = a[i * d + k] /= a[k * d + k];
                for (int j = k + 1; j < d; j++) a[i * d + j] -= f * a[k * d + j];
            }
        }
        return perm;
    }

    static double[] inverseFromLu(double[] lu, int[] perm, int d) {
        double[] inv = new double[d * d];
        double[] col = new double[d];
        for (int c = 0; c < d; c++) {
            for (int i = 0; i < d; i++) col[i] = perm[i] == c ? 1 : 0;
            for (int i = 0; i < d; i++) for (int j = 0; j < i; j++) col[i] -= lu[i * d + j] * col[j];
            for (int i = d - 1; i >= 0; i--) {
                for (int j = i + 1; j < d; j++) col[i] -= lu[i * d + j] * col[j];
                col[i] /= lu[i * d + i];
            }
            for (int i = 0; i < d; i++) inv[i * d + c] = col[i];
        }
        return inv;
    }

    private static double[] transpose(double[] m, int d) {
        double[] t = new double[d * d];
        for (int i = 0; i < d; i++) for (int j = 0; j < d; j++) t[j * d + i] = m[i * d + j];
        return t;
    }
}
