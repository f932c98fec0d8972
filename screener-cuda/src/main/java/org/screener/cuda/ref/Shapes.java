package org.screener.cuda.ref;

/** Argument checks shared by the kernel references and {@code DensityKernels}. */
public final class Shapes {
    private Shapes() {}

    /** Checks n, d, v >= 0 and that every array holds n·d·v values. */
    public static void check(String op, int n, int d, int v, double[]... arrays) {
        checkDims(op, n, d, v);
        for (int i = 0; i < arrays.length; i++) checkLen(op, "argument " + i, arrays[i], (long) n * d * v);
    }

    public static void checkDims(String op, int n, int d, int v) {
        if (n < 0 || d <= 0 || v < 0 || (long) n * d * v > Integer.MAX_VALUE)
            throw new IllegalArgumentException(op + ": bad sizes N=" + n + " d=" + d + " V=" + v);
    }

    public static void checkLen(String op, String what, double[] a, long len) {
        if (a.length != len)
            throw new IllegalArgumentException(op + ": " + what + " has " + a.length + " values, expected " + len);
    }

    public static void checkLen(String op, String what, float[] a, long len) {
        if (a.length != len)
            throw new IllegalArgumentException(op + ": " + what + " has " + a.length + " values, expected " + len);
    }
}
