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
}
