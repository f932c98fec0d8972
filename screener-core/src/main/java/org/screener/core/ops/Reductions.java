package org.screener.core.ops;

import org.screener.core.Backend;
import org.screener.core.BinaryOp;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.UnaryOp;
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
            Tensor z = Tensor.zeros(x.backend(), xs);   // read by the add below
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

    // ---- variance ------------------------------------------------------------------------------------

    /** Variance over axes (all if none), dropping them; unbiased divides by count - 1 (Bessel). */
    public static Tensor var(Tensor x, boolean unbiased, int... axes) {
        return squeezeTo(varKeep(x, unbiased, axes), x.shape(), axes);
    }

    public static Tensor varKeep(Tensor x, boolean unbiased, int... axes) {
        long count = x.numel() / Shape.numel(Shape.reduced("var", x.shape(), axes));
        long dof = unbiased ? count - 1 : count;
        if (dof <= 0)
            throw new IllegalArgumentException("var: " + (unbiased ? "unbiased " : "") + "variance over " + count
                    + " element(s) per slot of shape " + Shape.str(x.shape()));
        Tensor d = Elementwise.sub(x, meanKeep(x, axes));
        return Elementwise.mulScalar(sumKeep(Elementwise.square(d), axes), (float) (1.0 / dof));
    }

    // ---- max -----------------------------------------------------------------------------------------

    /** Max over axes (all if none), dropping them. The gradient goes to the first maximum (row-major order). */
    public static Tensor max(Tensor x, int... axes) { return squeezeTo(maxKeep(x, axes), x.shape(), axes); }

    public static Tensor maxKeep(Tensor x, int... axes) {
        int[] xs = x.shape();
        int[] ks = Shape.reduced("max", xs, axes);
        if (x.numel() == 0) throw new IllegalArgumentException("max: empty tensor of shape " + Shape.str(xs));
        Tensor out = reduceRaw(true, x, ks);
        return Autograd.record(out, "max", new Tensor[]{x}, g -> new Tensor[]{
                Elementwise.binaryRaw(BinaryOp.MUL, firstMaxMask(x, out, ks), g)});
    }

    /**
     * 1 at the first position (row-major within each reduced slot) where x equals its slot's max, else 0:
     * the backend's {@link Backend#firstMaxMask}, exact for any slot size.
     */
    static Tensor firstMaxMask(Tensor x, Tensor maxKeep, int[] ks) {
        Tensor mask = Tensor.empty(x.backend(), x.shape());
        x.backend().firstMaxMask(x.storage(), x.shape(), maxKeep.storage(), ks, mask.storage());
        return mask;
    }

    static Tensor reduceRaw(boolean max, Tensor x, int[] keepShape) {
        Tensor out = Tensor.empty(x.backend(), keepShape);
        if (max) x.backend().reduceMax(x.storage(), x.shape(), out.storage(), keepShape);
        else x.backend().reduceSum(x.storage(), x.shape(), out.storage(), keepShape);
        return out;
    }

    // ---- logsumexp and softmax -------------------------------------------------------------------------

    /** The slot max, finite so that x - max is never inf - inf (an all -inf slot then gives -inf). */
    private static Tensor shiftOf(Tensor x, int[] ks) {
        return Elementwise.unaryRaw(UnaryOp.CLAMP, reduceRaw(true, x, ks), -Float.MAX_VALUE, Float.MAX_VALUE);
    }

    /** log(sum(exp(x))) along one axis, which is dropped; stable for large logits (shifted by the max). */
    public static Tensor logsumexp(Tensor x, int axis) {
        int[] xs = x.shape();
        int ax = Shape.axis("logsumexp", axis, xs.length);
        int[] ks = Shape.reduced("logsumexp", xs, ax);
        Tensor m = shiftOf(x, ks);
        Tensor s = reduceRaw(false, Elementwise.unaryRaw(UnaryOp.EXP, Elementwise.binaryRaw(BinaryOp.SUB, x, m), 0, 0), ks);
        Tensor yk = Elementwise.binaryRaw(BinaryOp.ADD, Elementwise.unaryRaw(UnaryOp.LOG, s, 0, 0), m);
        Tensor y = Tensor.wrap(yk.storage(), Shape.squeeze(ks, ax));
        return Autograd.record(y, "logsumexp", new Tensor[]{x}, g -> {
            // d/dx = softmax(x) = exp(x - lse), recomputed rather than kept alive
            Tensor p = Elementwise.unaryRaw(UnaryOp.EXP, Elementwise.binaryRaw(BinaryOp.SUB, x, yk), 0, 0);
            return new Tensor[]{Elementwise.binaryRaw(BinaryOp.MUL, p, Tensor.wrap(g.storage(), ks))};
        });
    }

    /** exp(x) / sum(exp(x)) along axis (shape kept). */
    public static Tensor softmax(Tensor x, int axis) {
        int[] xs = x.shape();
        int ax = Shape.axis("softmax", axis, xs.length);
        int[] ks = Shape.reduced("softmax", xs, ax);
        Tensor e = Elementwise.unaryRaw(UnaryOp.EXP, Elementwise.binaryRaw(BinaryOp.SUB, x, shiftOf(x, ks)), 0, 0);
        Tensor y = Elementwise.binaryRaw(BinaryOp.DIV, e, reduceRaw(false, e, ks));
        return Autograd.record(y, "softmax", new Tensor[]{x}, g -> {
            // gx = y * (g - sum(g * y))
            Tensor gy = Elementwise.binaryRaw(BinaryOp.MUL, g, y);
            Tensor dot = reduceRaw(false, gy, ks);
            return new Tensor[]{Elementwise.binaryRaw(BinaryOp.SUB, gy, Elementwise.binaryRaw(BinaryOp.MUL, y, dot))};
        });
    }

    /** x - logsumexp(x) along axis (shape kept), stable for large logits. */
    public static Tensor logSoftmax(Tensor x, int axis) {
        int[] xs = x.shape();
        int ax = Shape.axis("logSoftmax", axis, xs.length);
        int[] ks = Shape.reduced("logSoftmax", xs, ax);
        Tensor sh = Elementwise.binaryRaw(BinaryOp.SUB, x, shiftOf(x, ks));
        Tensor lse = Elementwise.unaryRaw(UnaryOp.LOG, reduceRaw(false, Elementwise.unaryRaw(UnaryOp.EXP, sh, 0, 0), ks), 0, 0);
        Tensor y = Elementwise.binaryRaw(BinaryOp.SUB, sh, lse);
        return Autograd.record(y, "logSoftmax", new Tensor[]{x}, g -> {
            // gx = g - softmax * sum(g)
            Tensor p = Elementwise.unaryRaw(UnaryOp.EXP, y, 0, 0);
            Tensor gs = reduceRaw(false, g, ks);
            return new Tensor[]{Elementwise.binaryRaw(BinaryOp.SUB, g, Elementwise.binaryRaw(BinaryOp.MUL, p, gs))};
        });
    }
}
