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
}
