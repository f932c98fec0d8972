package org.screener.core.ref;

import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.CommonOps_DDRM;
import org.ejml.dense.row.decomposition.lu.LUDecompositionAlt_DDRM;

import java.util.Arrays;

/**
 * Inverse and log|det| of a small matrix (see {@code Backend.inverseLogAbsDet}) with EJML in double: the
 * definition the CPU kernel (its own LU) is tested against, and what Linalg computed on the host before.
 */
public final class LinalgRef {
    private LinalgRef() {}

    /** inv (d·d, may be null) = scale·a⁻¹ and logAbsDet[0] (may be null) = log|det a|; NaN / −∞ as documented in Backend. */
    public static void inverseLogAbsDet(double[] a, int d, double scale, double[] inv, double[] logAbsDet) {
        if (d <= 0 || a.length < d * d)
            throw new IllegalArgumentException("inverseLogAbsDet: need a " + d + "x" + d + " matrix, got " + a.length + " values");
        boolean finite = true;
        for (int i = 0; i < d * d; i++) finite &= Double.isFinite(a[i]);
        if (!finite) {
            if (inv != null) Arrays.fill(inv, 0, d * d, Double.NaN);
            if (logAbsDet != null) logAbsDet[0] = Double.NaN;
            return;
        }
        DMatrixRMaj m = new DMatrixRMaj(d, d);
        System.arraycopy(a, 0, m.data, 0, d * d);
        LUDecompositionAlt_DDRM lu = new LUDecompositionAlt_DDRM();
        boolean singular = !lu.decompose(m.copy()), bad = false;
        double s = 0;
        if (!singular) {
            DMatrixRMaj f = lu.getLU();
            for (int i = 0; i < d; i++) {
                double u = f.get(i, i);
                singular |= u == 0;
                bad |= !Double.isFinite(u);
                s += Math.log(Math.abs(u));
            }
        }
        if (logAbsDet != null) logAbsDet[0] = bad ? Double.NaN : singular ? Double.NEGATIVE_INFINITY : s;
        if (inv == null) return;
        if (singular || bad) { Arrays.fill(inv, 0, d * d, Double.NaN); return; }
        DMatrixRMaj r = new DMatrixRMaj(d, d);
        CommonOps_DDRM.invert(m.copy(), r);
        for (int i = 0; i < d * d; i++) inv[i] = scale * r.data[i];
    }
}
