package org.screener.core.ops;

import org.screener.core.Backend;
import org.screener.core.IndexTensor;
import org.screener.core.Shape;
import org.screener.core.Storage;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

import java.util.Arrays;

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

    /** Axes reordered: output axis i is input axis perm[i]. */
    public static Tensor permute(Tensor x, int... perm) {
        int r = x.rank();
        int[] xs = x.shape();
        boolean[] seen = new boolean[r];
        boolean ok = perm.length == r;
        for (int i = 0; ok && i < r; i++) {
            ok = perm[i] >= 0 && perm[i] < r && !seen[perm[i]];
            if (ok) seen[perm[i]] = true;
        }
        if (!ok) throw new IllegalArgumentException("permute: " + Arrays.toString(perm) + " is not a permutation of the axes of "
                + Shape.str(xs));
        int[] os = new int[r], inv = new int[r];
        boolean identity = true;
        for (int i = 0; i < r; i++) { os[i] = xs[perm[i]]; inv[perm[i]] = i; identity &= perm[i] == i; }
        if (identity) return x;
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, os);
        be.permute(x.storage(), xs, perm.clone(), y.storage());
        return Autograd.record(y, "permute", new Tensor[]{x}, g -> {
            Tensor gx = Tensor.empty(be, xs);
            be.permute(g.storage(), os, inv, gx.storage());
            return new Tensor[]{gx};
        });
    }

    /** Joins tensors along an axis; all other sizes must agree. */
    public static Tensor concat(int axis, Tensor... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat: no tensors given");
        int r = xs[0].rank();
        int a = Shape.axis("concat", axis, r);
        Backend be = xs[0].backend();
        int[] os = xs[0].shape();
        os[a] = 0;
        for (Tensor t : xs) {
            int[] ts = t.shape();
            boolean ok = ts.length == r && t.backend() == be;
            for (int i = 0; ok && i < r; i++) ok = i == a || ts[i] == xs[0].dim(i);
            if (!ok) {
                StringBuilder sb = new StringBuilder();
                for (Tensor u : xs) sb.append(' ').append(Shape.str(u.shape())).append('@').append(u.backend().name());
                throw new IllegalArgumentException("concat: shapes differ outside axis " + a + ":" + sb);
            }
            os[a] += ts[a];
        }
        Tensor y = Tensor.empty(be, os);
        int[] offs = new int[xs.length];
        int off = 0;
        for (int k = 0; k < xs.length; k++) {
            offs[k] = off;
            int[] start = new int[r];
            start[a] = off;
            int[] ts = xs[k].shape();
            be.copyBox(xs[k].storage(), ts, new int[r], y.storage(), os, start, ts, false);
            off += ts[a];
        }
        return Autograd.record(y, "concat", xs.clone(), g -> {
            Tensor[] gs = new Tensor[xs.length];
            for (int k = 0; k < xs.length; k++) {
                if (!xs[k].requiresGrad()) continue;
                int[] ts = xs[k].shape(), start = new int[r];
                start[a] = offs[k];
                gs[k] = Tensor.empty(be, ts);
                be.copyBox(g.storage(), os, start, gs[k].storage(), ts, new int[r], ts, false);
            }
            return gs;
        });
    }

    /** Elements start (inclusive) to end (exclusive) along one axis. */
    public static Tensor slice(Tensor x, int axis, int start, int end) {
        int a = Shape.axis("slice", axis, x.rank());
        if (start < 0 || end < start || end > x.dim(a))
            throw new IllegalArgumentException("slice: range [" + start + ", " + end + ") out of bounds for axis " + a
                    + " of " + Shape.str(x.shape()));
        int[] st = new int[x.rank()], size = x.shape();
        st[a] = start;
        size[a] = end - start;
        return cropRaw("slice", x, st, size);
    }

    /** The box of the given size whose first element is at start (one entry per axis). */
    public static Tensor crop(Tensor x, int[] start, int[] size) {
        int[] xs = x.shape();
        boolean ok = start.length == xs.length && size.length == xs.length;
        for (int i = 0; ok && i < xs.length; i++) ok = start[i] >= 0 && size[i] >= 0 && start[i] + size[i] <= xs[i];
        if (!ok) throw new IllegalArgumentException("crop: box at " + Arrays.toString(start) + " of size " + Arrays.toString(size)
                + " does not fit in " + Shape.str(xs));
        return cropRaw("crop", x, start.clone(), size.clone());
    }

    private static Tensor cropRaw(String op, Tensor x, int[] start, int[] size) {
        int[] xs = x.shape();
        if (Arrays.equals(xs, size)) return x;
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, size);
        be.copyBox(x.storage(), xs, start, y.storage(), size, new int[xs.length], size, false);
        return Autograd.record(y, op, new Tensor[]{x}, g -> {
            Tensor gx = Tensor.zeros(be, xs);   // zero outside the cropped box, which alone is written
            be.copyBox(g.storage(), size, new int[xs.length], gx.storage(), xs, start, size, false);
            return new Tensor[]{gx};
        });
    }

    /** Zero padding: lo[i] zeros before and hi[i] after axis i (one entry per axis, non-negative). */
    public static Tensor pad(Tensor x, int[] lo, int[] hi) {
        int[] xs = x.shape();
        boolean ok = lo.length == xs.length && hi.length == xs.length;
        for (int i = 0; ok && i < xs.length; i++) ok = lo[i] >= 0 && hi[i] >= 0;
        if (!ok) throw new IllegalArgumentException("pad: padding lo " + Arrays.toString(lo) + " hi " + Arrays.toString(hi)
                + " must have one non-negative entry per axis of " + Shape.str(xs));
        int[] os = new int[xs.length];
        for (int i = 0; i < xs.length; i++) os[i] = xs[i] + lo[i] + hi[i];
        if (Arrays.equals(os, xs)) return x;
        int[] start = lo.clone();
        Backend be = x.backend();
        Tensor y = Tensor.zeros(be, os);   // the border stays zero: copyBox writes only the interior
        be.copyBox(x.storage(), xs, new int[xs.length], y.storage(), os, start, xs, false);
        return Autograd.record(y, "pad", new Tensor[]{x}, g -> {
            Tensor gx = Tensor.empty(be, xs);
            be.copyBox(g.storage(), os, start, gx.storage(), xs, new int[xs.length], xs, false);
            return new Tensor[]{gx};
        });
    }

    /** Edge (replicate) padding of the last three axes; lo3/hi3 are (D, H, W) amounts. */
    public static Tensor padReplicate(Tensor x, int[] lo3, int[] hi3) {
        int[] xs = x.shape();
        int r = xs.length;
        boolean ok = r >= 3 && lo3.length == 3 && hi3.length == 3;
        for (int i = 0; ok && i < 3; i++) ok = lo3[i] >= 0 && hi3[i] >= 0 && xs[r - 3 + i] > 0;
        if (!ok) throw new IllegalArgumentException("padReplicate: padding lo " + Arrays.toString(lo3) + " hi " + Arrays.toString(hi3)
                + " must be 3 non-negative entries for the last three (non-empty) axes of " + Shape.str(xs));
        int[] os = xs.clone();
        for (int i = 0; i < 3; i++) os[r - 3 + i] += lo3[i] + hi3[i];
        if (Arrays.equals(os, xs)) return x;
        int[] lo = lo3.clone(), hi = hi3.clone();
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, os);
        be.padReplicate(x.storage(), xs, lo, hi, y.storage());
        return Autograd.record(y, "padReplicate", new Tensor[]{x}, g -> {
            Tensor gx = Tensor.empty(be, xs);
            be.padReplicateBackward(g.storage(), xs, lo, hi, gx.storage());
            return new Tensor[]{gx};
        });
    }

    /**
     * Brings the last three axes to spatialDHW, anchored at the origin: the excess is cropped at the high end,
     * a shortfall is replicate-padded at the high end.
     */
    public static Tensor cropOrPad(Tensor x, int[] spatialDHW) {
        int[] xs = x.shape();
        int r = xs.length;
        if (r < 3 || spatialDHW.length != 3 || spatialDHW[0] <= 0 || spatialDHW[1] <= 0 || spatialDHW[2] <= 0)
            throw new IllegalArgumentException("cropOrPad: target " + Arrays.toString(spatialDHW)
                    + " must be 3 positive sizes for the last three axes of " + Shape.str(xs));
        int[] size = xs.clone(), padHi = new int[3];
        for (int i = 0; i < 3; i++) {
            size[r - 3 + i] = Math.min(xs[r - 3 + i], spatialDHW[i]);
            padHi[i] = Math.max(0, spatialDHW[i] - xs[r - 3 + i]);
        }
        Tensor c = cropRaw("cropOrPad", x, new int[r], size);
        return padReplicate(c, new int[3], padHi);
    }

    /**
     * Feature vectors at voxels: x (N,C,D,H,W) to (M,C) with out[i] = x[n, :, d, h, w] for
     * index[i] = n·D·H·W + (d·H + h)·W + w. Indices may repeat (their gradients add). The indices are the batch:
     * they are checked here and written to the backend once, see {@link #gatherVoxels(Tensor, IndexTensor)}.
     */
    public static Tensor gatherVoxels(Tensor x, int[] index) {
        int[] xs = x.shape();
        if (xs.length != 5) throw new IllegalArgumentException("gatherVoxels: input must be (N,C,D,H,W), got " + Shape.str(xs));
        long nv = (long) xs[0] * xs[2] * xs[3] * xs[4];
        for (int i = 0; i < index.length; i++)
            if (index[i] < 0 || index[i] >= nv)
                throw new IllegalArgumentException("gatherVoxels: index[" + i + "] = " + index[i] + " outside [0, " + nv
                        + ") for input " + Shape.str(xs));
        return gatherVoxels(x, IndexTensor.of(x.backend(), index, nv));
    }

    /**
     * {@link #gatherVoxels(Tensor, int[])} with indices already on x's backend. No index is read back: the range
     * check compares the IndexTensor's bound (established when it was built from host data, e.g. by
     * {@link IndexTensor#of(Backend, int[], long)} or the int[] overload) with N·D·H·W.
     */
    public static Tensor gatherVoxels(Tensor x, IndexTensor index) {
        int[] xs = x.shape();
        if (xs.length != 5) throw new IllegalArgumentException("gatherVoxels: input must be (N,C,D,H,W), got " + Shape.str(xs));
        Backend be = x.backend();
        if (index.backend() != be)
            throw new IllegalArgumentException("gatherVoxels: indices on backend " + index.backend().name() + ", input on " + be.name());
        int n = xs[0], c = xs[1];
        long v = (long) xs[2] * xs[3] * xs[4];
        if (index.bound() > n * v)
            throw new IllegalArgumentException("gatherVoxels: indices bounded by " + index.bound() + " exceed the " + n * v
                    + " voxels of input " + Shape.str(xs));
        int m = index.length();
        Storage idx = index.storage();
        Tensor y = Tensor.empty(be, m, c);
        be.gatherVoxels(x.storage(), n, c, v, idx, m, y.storage());
        return Autograd.record(y, "gatherVoxels", new Tensor[]{x}, g -> {
            Tensor gx = Tensor.zeros(be, xs);   // scatter-add accumulates
            be.scatterAddVoxels(g.storage(), n, c, v, idx, m, gx.storage());
            return new Tensor[]{gx};
        });
    }
}
