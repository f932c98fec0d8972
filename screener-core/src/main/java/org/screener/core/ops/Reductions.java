package org.screener.core.ops;

import org.screener.core.BinaryOp;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

/** Sum, mean, variance, max, logsumexp and softmax over any axes. Axes given are reduced and dropped. */
public final class Reductions {
    private Reductions() {}

    /** Sum over axes (all if none), dropping them; keepDims variants keep size-1 axes. */
    public static Tensor sum(Tensor x, int... axes) { return squeezeTo(sumKeep(x, axes), x.shape(), axes); }

    public static Tensor sumKeep(Tensor x, int... axes) {
        int[] xs = x.shape();
        int[] ks = Shape.reduced("sum", xs, axes);
        Tensor out = Tensor.empty(x.backend(), ks);
        x.backend().reduceSum(x.storage(), xs, out.storage(), ks);
        return Autograd.record(out, "sum", new Tensor[]{x}, g -> {
            Tensor z = Tensor.empty(x.backend(), xs);
            // broadcast g back: z = 0 + g
            x.backend().binary(BinaryOp.ADD, z.storage(), xs, g.storage(), ks, z.storage(), xs);
            return new Tensor[]{z};
        });
    }

    public static Tensor mean(Tensor x, int... axes) { return squeezeTo(meanKeep(x, axes), x.shape(), axes); }

    public static Tensor meanKeep(Tensor x, int... axes) {
        long count = x.numel() / Shape.numel(Shape.reduced("mean", x.shape(), axes));
        return Elementwise.mulScalar(sumKeep(x, axes), (float) (1.0 / count));
    }

    static Tensor squeezeTo(Tensor kept, int[] xShape, int... axes) {
        int[] ks = kept.shape();
        int[] norm = new int[axes.length];
        for (int i = 0; i < axes.length; i++) norm[i] = Shape.axis("reduce", axes[i], xShape.length);
        return Shapes.reshape(kept, Shape.squeeze(ks, norm));
    }
}
