package org.screener.core;

/**
 * Argument checks shared by every implementation of the optimizer kernels ({@link Backend#sgdUpdate},
 * {@link Backend#adamUpdate}, {@link Backend#sumSquares}), so that the default, CPU and reference kernels
 * reject the same inputs with the same message.
 */
public final class OptimChecks {
    private OptimChecks() {}

    public static void sgd(Storage w, Storage g, Storage buf, long n, double momentum) {
        need("sgdUpdate", "w", w, n);
        need("sgdUpdate", "g", g, n);
        if (momentum != 0) need("sgdUpdate", "buf (momentum " + momentum + ")", buf, n);
    }

    public static void adam(Storage w, Storage g, Storage m, Storage v, long n, double bc1, double bc2) {
        need("adamUpdate", "w", w, n);
        need("adamUpdate", "g", g, n);
        need("adamUpdate", "m", m, n);
        need("adamUpdate", "v", v, n);
        // 1 − β^t lies in (0, 1] for β in [0, 1) and t ≥ 1; anything else means the caller passed step 0 or a bad β
        if (!(bc1 > 0 && bc1 <= 1 && bc2 > 0 && bc2 <= 1))
            throw new IllegalArgumentException("adamUpdate: bias corrections " + bc1 + ", " + bc2
                    + " must lie in (0, 1] (1 - beta^t for step t >= 1)");
    }

    public static void sumSquares(Storage[] xs, long[] lengths) {
        if (xs == null || lengths == null) throw new IllegalArgumentException("sumSquares: storages and lengths must not be null");
        if (xs.length != lengths.length)
            throw new IllegalArgumentException("sumSquares: " + xs.length + " storages but " + lengths.length + " lengths");
        for (int k = 0; k < xs.length; k++) need("sumSquares", "storage " + k, xs[k], lengths[k]);
    }

    private static void need(String op, String what, Storage s, long n) {
        if (n < 0) throw new IllegalArgumentException(op + ": negative length " + n);
        if (s == null) throw new IllegalArgumentException(op + ": " + what + " is null");
        if (s.size() < n) throw new IllegalArgumentException(op + ": " + what + " holds " + s.size() + " elements, fewer than n = " + n);
    }
}
