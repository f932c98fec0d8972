package org.screener.core.ops;

import org.screener.core.Backend;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

/** Matrix products and small-matrix linear algebra. */
public final class Linalg {
    private Linalg() {}

    /** (m×k)·(k×n) for rank-2 operands. */
    public static Tensor matmul(Tensor a, Tensor b) { return matmul(a, b, false, false); }

    /** op(a)·op(b) with optional transposes, rank 2. */
    public static Tensor matmul(Tensor a, Tensor b, boolean transA, boolean transB) {
        Backend be = Elementwise.sameBackend("matmul", a, b);
        if (a.rank() != 2 || b.rank() != 2)
            throw new IllegalArgumentException("matmul: needs rank-2 operands, got " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        int m = transA ? a.dim(1) : a.dim(0), k = transA ? a.dim(0) : a.dim(1);
        int k2 = transB ? b.dim(1) : b.dim(0), n = transB ? b.dim(0) : b.dim(1);
        if (k != k2)
            throw new IllegalArgumentException("matmul: inner sizes differ: " + Shape.str(a.shape()) + (transA ? "^T" : "")
                    + " x " + Shape.str(b.shape()) + (transB ? "^T" : ""));
        Tensor c = Tensor.empty(be, m, n);
        be.gemm(transA, transB, m, n, k, 1f, a.storage(), 0, a.dim(1), b.storage(), 0, b.dim(1), 0f, c.storage(), 0, n);
        return Autograd.record(c, "matmul", new Tensor[]{a, b}, g -> {
            Tensor ga = null, gb = null;
            if (a.requiresGrad()) {
                // dA = g·op(B)^T, transposed back if A was used transposed
                ga = Tensor.empty(be, a.shape());
                if (!transA) be.gemm(false, !transB, m, k, n, 1f, g.storage(), 0, n, b.storage(), 0, b.dim(1), 0f, ga.storage(), 0, k);
                else be.gemm(transB, true, k, m, n, 1f, b.storage(), 0, b.dim(1), g.storage(), 0, n, 0f, ga.storage(), 0, m);
            }
            if (b.requiresGrad()) {
                gb = Tensor.empty(be, b.shape());
                if (!transB) be.gemm(!transA, false, k, n, m, 1f, a.storage(), 0, a.dim(1), g.storage(), 0, n, 0f, gb.storage(), 0, n);
                else be.gemm(true, transA, n, k, m, 1f, g.storage(), 0, n, a.storage(), 0, a.dim(1), 0f, gb.storage(), 0, k);
            }
            return new Tensor[]{ga, gb};
        });
    }

    /** Batched product: a (B,M,K) · b (B,K,N) -> (B,M,N), one backend gemm per batch item. */
    public static Tensor bmm(Tensor a, Tensor b) {
        Backend be = Elementwise.sameBackend("bmm", a, b);
        if (a.rank() != 3 || b.rank() != 3 || a.dim(0) != b.dim(0) || a.dim(2) != b.dim(1))
            throw new IllegalArgumentException("bmm: needs (B,M,K) and (B,K,N), got " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()));
        int bs = a.dim(0), m = a.dim(1), k = a.dim(2), n = b.dim(2);
        long sa = (long) m * k, sb = (long) k * n, sc = (long) m * n;
        Tensor c = Tensor.empty(be, bs, m, n);
        for (int i = 0; i < bs; i++)
            be.gemm(false, false, m, n, k, 1f, a.storage(), i * sa, k, b.storage(), i * sb, n, 0f, c.storage(), i * sc, n);
        return Autograd.record(c, "bmm", new Tensor[]{a, b}, g -> {
            Tensor ga = null, gb = null;
            if (a.requiresGrad()) {
                ga = Tensor.empty(be, a.shape());
                for (int i = 0; i < bs; i++)   // dA = g · B^T
                    be.gemm(false, true, m, k, n, 1f, g.storage(), i * sc, n, b.storage(), i * sb, n, 0f, ga.storage(), i * sa, k);
            }
            if (b.requiresGrad()) {
                gb = Tensor.empty(be, b.shape());
                for (int i = 0; i < bs; i++)   // dB = A^T · g
                    be.gemm(true, false, k, n, m, 1f, a.storage(), i * sa, k, g.storage(), i * sc, n, 0f, gb.storage(), i * sb, n);
            }
            return new Tensor[]{ga, gb};
        });
    }

    /**
     * Inverse of a square matrix, by the backend's {@link Backend#inverseLogAbsDet} (LU in double on the stored
     * entries). A singular matrix gives all NaN (nothing is thrown: that would need its result on the host).
     * Backward: dA = −A^-T · g · A^-T.
     */
    public static Tensor inverse(Tensor a) {
        int d = square("inverse", a);
        Backend be = a.backend();
        Tensor y = Tensor.empty(be, d, d);
        be.inverseLogAbsDet(a.storage(), d, null, y.storage(), null);
        return Autograd.record(y, "inverse", new Tensor[]{a}, g -> {
            Tensor t = Tensor.empty(be, d, d), ga = Tensor.empty(be, d, d);
            be.gemm(false, true, d, d, d, 1f, g.storage(), 0, d, y.storage(), 0, d, 0f, t.storage(), 0, d);
            be.gemm(true, false, d, d, d, -1f, y.storage(), 0, d, t.storage(), 0, d, 0f, ga.storage(), 0, d);
            return new Tensor[]{ga};
        });
    }

    /**
     * log|det a| of a square matrix as a scalar, from the backend's LU decomposition in double
     * ({@link Backend#inverseLogAbsDet}), so it neither overflows nor loses the small factors. A singular matrix
     * gives −∞ (and a NaN gradient), a non-finite entry NaN; nothing is thrown, so a training step that uses it
     * (Glow's 1×1×1 conv) never waits for the host. Backward: dA = g · A^-T, the inverse scaled by g in double
     * in the kernel and then transposed.
     */
    public static Tensor logAbsDet(Tensor a) {
        int d = square("logAbsDet", a);
        Backend be = a.backend();
        Tensor y = Tensor.empty(be);   // a scalar
        be.inverseLogAbsDet(a.storage(), d, null, null, y.storage());
        return Autograd.record(y, "logAbsDet", new Tensor[]{a}, g -> {
            Tensor ginv = Tensor.empty(be, d, d), ga = Tensor.empty(be, d, d);
            be.inverseLogAbsDet(a.storage(), d, g.storage(), ginv.storage(), null);
            be.permute(ginv.storage(), new int[]{d, d}, new int[]{1, 0}, ga.storage());
            return new Tensor[]{ga};
        });
    }

    /**
     * Glow's invertible 1×1×1 convolution: y[n,:,v] = w · x[n,:,v] for w (p,d) and x (N,d,spatial...) of rank
     * 2 to 5; y is (N,p,spatial...). One gemm per batch item over all voxels.
     */
    public static Tensor perVoxelMatmul(Tensor w, Tensor x) {
        Backend be = Elementwise.sameBackend("perVoxelMatmul", w, x);
        if (w.rank() != 2 || w.numel() == 0 || x.rank() < 2 || x.dim(1) != w.dim(1))
            throw new IllegalArgumentException("perVoxelMatmul: needs w (p,d) and x (N,d,...), got " + Shape.str(w.shape())
                    + " and " + Shape.str(x.shape()));
        int p = w.dim(0), d = w.dim(1), nb = x.dim(0);
        long per = (long) nb * d, vl = per == 0 ? 0 : x.numel() / per;
        if (vl > Integer.MAX_VALUE)
            throw new IllegalArgumentException("perVoxelMatmul: " + vl + " voxels per item exceed an int: " + Shape.str(x.shape()));
        int v = (int) vl, ld = Math.max(1, v);   // ld >= 1 even for zero voxels, as gemm requires
        int[] ys = x.shape();
        ys[1] = p;
        Tensor y = Tensor.empty(be, ys);
        for (int i = 0; i < nb; i++)
            be.gemm(false, false, p, v, d, 1f, w.storage(), 0, d, x.storage(), (long) i * d * v, ld, 0f, y.storage(), (long) i * p * v, ld);
        return Autograd.record(y, "perVoxelMatmul", new Tensor[]{w, x}, g -> {
            Tensor gw = null, gx = null;
            if (w.requiresGrad()) {     // dW = sum_n g_n · x_n^T
                gw = Tensor.zeros(be, p, d);   // a batch of zero items never writes it
                for (int i = 0; i < nb; i++)
                    be.gemm(false, true, p, d, v, 1f, g.storage(), (long) i * p * v, ld, x.storage(), (long) i * d * v, ld,
                            i == 0 ? 0f : 1f, gw.storage(), 0, d);
            }
            if (x.requiresGrad()) {     // dx_n = W^T · g_n
                gx = Tensor.empty(be, x.shape());
                for (int i = 0; i < nb; i++)
                    be.gemm(true, false, d, v, p, 1f, w.storage(), 0, d, g.storage(), (long) i * p * v, ld, 0f, gx.storage(), (long) i * d * v, ld);
            }
            return new Tensor[]{gw, gx};
        });
    }

    private static int square(String op, Tensor a) {
        if (a.rank() != 2 || a.dim(0) != a.dim(1) || a.dim(0) == 0)
            throw new IllegalArgumentException(op + ": needs a non-empty square matrix, got " + Shape.str(a.shape()));
        return a.dim(0);
    }
}
