package org.screener.core.ops;

import org.screener.core.Backend;
import org.screener.core.IndexTensor;
import org.screener.core.Shape;
import org.screener.core.Tensor;

import java.util.Arrays;

/** Loss functions built from differentiable ops (their gradients come from autograd). */
public final class Losses {
    private Losses() {}

    /**
     * Mean cross-entropy of class logits (N, C) or (N, C, D, H, W) (any rank >= 2, classes on axis 1) against
     * integer targets, one per item in row-major order of (N, spatial...): target[n * S + s] with S the
     * product of the spatial sizes. The targets are the batch: checked here, written to the backend once.
     */
    public static Tensor crossEntropy(Tensor logits, int[] target) {
        int[] ls = logits.shape();
        long items = items(logits);
        if (target.length != items)
            throw new IllegalArgumentException("crossEntropy: " + target.length + " targets for logits of shape "
                    + Shape.str(ls) + " (" + items + " items)");
        int c = ls[1];
        for (int i = 0; i < target.length; i++)
            if (target[i] < 0 || target[i] >= c)
                throw new IllegalArgumentException("crossEntropy: target[" + i + "] = " + target[i] + " outside [0, " + c
                        + ") for logits of shape " + Shape.str(ls));
        return crossEntropy(logits, IndexTensor.of(logits.backend(), target, c));
    }

    /**
     * {@link #crossEntropy(Tensor, int[])} with the targets already on the logits' backend: the one-hot mask is
     * made there ({@link org.screener.core.Backend#oneHot}) and nothing is read back; the class range is checked
     * against the IndexTensor's bound.
     */
    public static Tensor crossEntropy(Tensor logits, IndexTensor target) {
        int[] ls = logits.shape();
        long items = items(logits);
        Backend be = logits.backend();
        if (target.backend() != be)
            throw new IllegalArgumentException("crossEntropy: targets on backend " + target.backend().name() + ", logits on " + be.name());
        if (target.length() != items)
            throw new IllegalArgumentException("crossEntropy: " + target.length() + " targets for logits of shape "
                    + Shape.str(ls) + " (" + items + " items)");
        int n = ls[0], c = ls[1];
        if (target.bound() > c)
            throw new IllegalArgumentException("crossEntropy: targets bounded by " + target.bound() + " exceed the " + c
                    + " classes of logits of shape " + Shape.str(ls));
        Tensor mask = Tensor.empty(be, ls);
        be.oneHot(target.storage(), n, c, items / n, mask.storage());
        Tensor picked = Reductions.sum(Elementwise.mul(Reductions.logSoftmax(logits, 1), mask));
        return Elementwise.mulScalar(picked, (float) (-1.0 / items));
    }

    /** N·S, the number of classified items of logits (N, C, spatial...). */
    private static long items(Tensor logits) {
        int[] ls = logits.shape();
        if (ls.length < 2)
            throw new IllegalArgumentException("crossEntropy: logits must be (N, C, ...), got shape " + Shape.str(ls));
        int n = ls[0], c = ls[1];
        long s = logits.numel() / Math.max(1, (long) n * c);
        long items = (long) n * s;
        if (n == 0 || c == 0 || items == 0)
            throw new IllegalArgumentException("crossEntropy: empty logits of shape " + Shape.str(ls));
        return items;
    }

    /** Mean of (a - b)^2 over all elements; a and b must have the same shape. */
    public static Tensor mse(Tensor a, Tensor b) {
        if (!Arrays.equals(a.shape(), b.shape()))
            throw new IllegalArgumentException("mse: shapes " + Shape.str(a.shape()) + " and " + Shape.str(b.shape()) + " differ");
        return Reductions.mean(Elementwise.square(Elementwise.sub(a, b)));
    }
}
