package org.screener.core.ops;

import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

/** Reshape, permute, concat, slice, pad, crop, and gather/scatter of voxel feature vectors. */
public final class Shapes {
    private Shapes() {}

    /** Same elements, new shape (storage shared: tensors are contiguous). One axis may be -1. */
    public static Tensor reshape(Tensor x, int... shape) {
        int[] s = shape.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape: more than one -1 in " + Shape.str(shape));
                infer = i;
            } else known *= s[i];
        }
        if (infer >= 0) {
            if (known == 0 || x.numel() % known != 0)
                throw new IllegalArgumentException("reshape: cannot reshape " + Shape.str(x.shape()) + " to " + Shape.str(shape));
            s[infer] = (int) (x.numel() / known);
        }
        if (Shape.numel(s) != x.numel())
            throw new IllegalArgumentException("reshape: " + Shape.str(x.shape()) + " (" + x.numel() + " elements) to "
                    + Shape.str(shape) + " (" + Shape.numel(s) + ")");
        int[] xs = x.shape();
        Tensor out = Tensor.wrap(x.storage(), s);
        return Autograd.record(out, "reshape", new Tensor[]{x}, g -> new Tensor[]{Tensor.wrap(g.storage(), xs)});
    }

    /** TEMP: crop/replicate-pad at the high end of the last three axes. */
    public static Tensor cropOrPad(Tensor x, int[] spatialDHW) { return Spatial.cropOrPad(x, spatialDHW); }

    /** TEMP naive concat. */
    public static Tensor concat(int axis, Tensor... xs) {
        int[] s0 = xs[0].shape();
        int ax = Shape.axis("concat", axis, s0.length);
        long outer = 1, inner = 1;
        for (int i = 0; i < ax; i++) outer *= s0[i];
        for (int i = ax + 1; i < s0.length; i++) inner *= s0[i];
        int total = 0;
        for (Tensor t : xs) total += t.dim(ax);
        int[] os = s0.clone(); os[ax] = total;
        float[] out = new float[(int) Shape.numel(os)];
        int off = 0;
        for (Tensor t : xs) {
            float[] a = t.toArray();
            int c = t.dim(ax);
            for (int o = 0; o < outer; o++)
                System.arraycopy(a, (int) (o * c * inner), out, (int) ((o * total + off) * inner), (int) (c * inner));
            off += c;
        }
        final long fo = outer, fi = inner;
        final int ft = total;
        return Autograd.record(Tensor.of(xs[0].backend(), out, os), "concat", xs, g -> {
            float[] ga = g.toArray();
            Tensor[] r = new Tensor[xs.length];
            int o2 = 0;
            for (int k = 0; k < xs.length; k++) {
                int c = xs[k].dim(ax);
                float[] gk = new float[(int) xs[k].numel()];
                for (int o = 0; o < fo; o++)
                    System.arraycopy(ga, (int) ((o * ft + o2) * fi), gk, (int) (o * c * fi), (int) (c * fi));
                o2 += c;
                r[k] = Tensor.of(g.backend(), gk, xs[k].shape());
            }
            return r;
        });
    }
}
