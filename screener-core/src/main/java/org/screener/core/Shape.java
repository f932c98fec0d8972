package org.screener.core;

import java.util.Arrays;

/** Static helpers on shapes (int arrays, row-major). */
public final class Shape {
    private Shape() {}

    public static long numel(int... shape) {
        long n = 1;
        for (int s : shape) {
            if (s < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            n *= s;
        }
        return n;
    }

    public static String str(int... shape) { return Arrays.toString(shape); }

    /** Row-major strides. */
    public static long[] strides(int... shape) {
        long[] st = new long[shape.length];
        long s = 1;
        for (int i = shape.length - 1; i >= 0; i--) { st[i] = s; s *= shape[i]; }
        return st;
    }

    /** Left-pads shape with ones to the given rank. */
    public static int[] padTo(int[] shape, int rank) {
        if (shape.length > rank) throw new IllegalArgumentException("shape " + str(shape) + " has rank above " + rank);
        int[] r = new int[rank];
        Arrays.fill(r, 1);
        System.arraycopy(shape, 0, r, rank - shape.length, shape.length);
        return r;
    }

    /** Numpy broadcast of two shapes; the message names the op and both shapes. */
    public static int[] broadcast(String op, int[] a, int[] b) {
        int rank = Math.max(a.length, b.length);
        int[] pa = padTo(a, rank), pb = padTo(b, rank), r = new int[rank];
        for (int i = 0; i < rank; i++) {
            if (pa[i] == pb[i] || pb[i] == 1) r[i] = pa[i];
            else if (pa[i] == 1) r[i] = pb[i];
            else throw new IllegalArgumentException(op + ": shapes " + str(a) + " and " + str(b)
                    + " cannot be broadcast (axis " + i + ": " + pa[i] + " vs " + pb[i] + ")");
        }
        return r;
    }

    /** Normalises a possibly negative axis index. */
    public static int axis(String op, int axis, int rank) {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank) throw new IllegalArgumentException(op + ": axis " + axis + " out of range for rank " + rank);
        return a;
    }

    /** Keep-dims shape of a reduction over the given axes (all axes if none given). */
    public static int[] reduced(String op, int[] shape, int... axes) {
        int[] r = shape.clone();
        if (axes.length == 0) { Arrays.fill(r, 1); return r; }
        for (int ax : axes) r[axis(op, ax, shape.length)] = 1;
        return r;
    }

    /** Shape with the given axes removed (they must be 1). */
    public static int[] squeeze(int[] keep, int... axes) {
        boolean[] drop = new boolean[keep.length];
        if (axes.length == 0) Arrays.fill(drop, true);
        for (int ax : axes) drop[ax < 0 ? ax + keep.length : ax] = true;
        int cnt = 0;
        for (boolean d : drop) if (!d) cnt++;
        int[] r = new int[cnt];
        for (int i = 0, j = 0; i < keep.length; i++) if (!drop[i]) r[j++] = keep[i];
        return r;
    }
}
