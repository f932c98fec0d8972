package org.screener.core.cpu;

import org.screener.core.BinaryOp;
import org.screener.core.Shape;
import org.screener.core.UnaryOp;
import org.screener.core.ref.ElementwiseRef;

/** Elementwise kernels on float arrays. */
public final class ElementwiseCpu {
    private ElementwiseCpu() {}

    public static void unary(UnaryOp op, float[] x, float[] y, int n, float p0, float p1) {
        Parallel.forRange(n, 1 << 15, (lo, hi) -> {
            for (int i = lo; i < hi; i++) y[i] = (float) ElementwiseRef.apply(op, x[i], p0, p1);
        });
    }

    public static void unaryBackward(UnaryOp op, float[] x, float[] y, float[] gy, float[] gx, int n, float p0, float p1) {
        Parallel.forRange(n, 1 << 15, (lo, hi) -> {
            for (int i = lo; i < hi; i++) gx[i] = (float) (gy[i] * ElementwiseRef.derivative(op, x[i], y[i], p0, p1));
        });
    }

    public static void binary(BinaryOp op, float[] a, int[] as, float[] b, int[] bs, float[] out, int[] os) {
        int rank = os.length;
        long[] ast = Shape.strides(as), bst = Shape.strides(bs), ost = Shape.strides(os);
        int n = (int) Shape.numel(os);
        // out may alias a or b only elementwise (same shape), which this loop order tolerates
        for (int i = 0; i < n; i++) {
            long ia = 0, ib = 0, rem = i;
            for (int d = 0; d < rank; d++) {
                long c = rem / ost[d];
                rem -= c * ost[d];
                if (as[d] != 1) ia += c * ast[d];
                if (bs[d] != 1) ib += c * bst[d];
            }
            out[i] = (float) ElementwiseRef.apply(op, a[(int) ia], b[(int) ib]);
        }
    }
}
