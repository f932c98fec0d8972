package org.screener.core.ops;

import org.screener.core.Shape;
import org.screener.core.Tensor;

import java.util.Arrays;

/** Loss functions built from differentiable ops (their gradients come from autograd). */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of class logits (N, C) or (N, C, D, H, W) (any rank >= 2, classes on axis 1) against
     * integer targets, one per item in row-major order of (N, spatial...): target[n * S + s] with S the
     * product of the spatial sizes. The one-hot mask is made on the host.
     */
    public static Tensor crossEntropy(Tensor logits, int[] target) {
        int[] ls = logits.shape();
        if (ls.length < 2)
            throw new IllegalArgumentException("crossEntropy: logits must be (N, C, ...), got shape " + Shape.str(ls));
        int n = ls[0], c = ls[1];
        long s = logits.numel() / Math.max(1, (long) n * c);
        long items = (long) n * s;
        if (n == 0 || c == 0 || items == 0)
            throw new IllegalArgumentException("crossEntropy: empty logits of shape " + Shape.str(ls));
        if (target.length != items)
            throw new IllegalArgumentException("crossEntropy: " + target.length + " targets for logits of shape "
                    + Shape.str(ls) + " (" + items + " items)");
        float[] onehot = new float[Math.toIntExact(logits.numel())];
        for (int i = 0; i < target.length; i++) {
            int t = target[i];
            if (t < 0 || t >= c)
                throw new IllegalArgumentException("crossEntropy: target[" + i + "] = " + t + " outside [0, " + c
                        + ") for logits of shape " + Shape.str(ls));
            long item = i / s, sp = i - item * s;
            onehot[(int) ((item * c + t) * s + sp)] = 1f;
        }
        Tensor mask = Tensor.of(logits.backend(), onehot, ls);
        Tensor picked = Reductions.sum(Elementwise.mul(Reductions.logSoftmax(logits, 1), mask));
        return Elementwise.mulScalar(picked, (float) (-1.0 / items));
    }

    /** Mean of (a - b)^2 over all elements; a and b must have the same shape. */
    public static Tensor mse(Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException("mse: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " differ");
        return Reductions.mean(Elementwise.square(Elementwise.sub(a, b)));
    }
}
