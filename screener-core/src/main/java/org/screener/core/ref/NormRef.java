package org.screener.core.ref;

import org.screener.core.NormSpec;

/**
 * The statistics and coefficients of group/instance/layer/batch norm (see {@code Backend.normForward} and
 * {@code Backend.normBackward}) in plain double loops: the definition. The formulas and their order are the
 * ones Norms used on the host before they moved to the backend (issue 11), so that training is unchanged.
 */
public final class NormRef {
    private NormRef() {}

    /** {mean, biased variance, rstd} per statistics group, from row moments or the fixed statistics. */
    static double[][] stats(NormSpec p, double[] rowMean, double[] rowM2, double[] fixedMean, double[] fixedVar) {
        int rows = p.rows(), nStat = p.stats(), s = p.s();
        long cnt = p.count();
        double[] mu, var, rstd = new double[nStat];
        if (rowMean == null) {
            check(p, fixedMean, fixedVar);
            mu = fixedMean.clone();
            var = fixedVar.clone();
            for (int k = 0; k < nStat; k++) rstd[k] = 1 / Math.sqrt(fixedVar[k] + p.eps());
            return new double[][]{mu, var, rstd};
        }
        if (cnt == 0) throw new IllegalArgumentException("norm statistics: no values per group in " + p);
        mu = new double[nStat];
        var = new double[nStat];
        for (int r = 0; r < rows; r++) mu[p.statOf(r)] += rowMean[r] * s;
        for (int k = 0; k < nStat; k++) mu[k] /= cnt;
        // Chan et al.: M2 of a union = Σ M2_r + Σ S·(mean_r − mean)²
        for (int r = 0; r < rows; r++) {
            double d = rowMean[r] - mu[p.statOf(r)];
            var[p.statOf(r)] += rowM2[r] + s * d * d;
        }
        for (int k = 0; k < nStat; k++) {
            var[k] /= cnt;
            rstd[k] = 1 / Math.sqrt(var[k] + p.eps());
        }
        return new double[][]{mu, var, rstd};
    }

    private static void check(NormSpec p, double[] fixedMean, double[] fixedVar) {
        if (!p.batch() || fixedMean == null || fixedVar == null)
            throw new IllegalArgumentException("norm statistics: give row moments, or fixed mean and variance in batch mode; "
                    + p);
    }

    public static void forward(NormSpec p, double[] rowMean, double[] rowM2, double[] fixedMean, double[] fixedVar,
                               double[] gamma, double[] beta, double[] scale, double[] shift, double[] center,
                               double[] runningMean, double[] runningVar, float momentum) {
        double[][] st = stats(p, rowMean, rowM2, fixedMean, fixedVar);
        double[] mu = st[0], var = st[1], rstd = st[2];
        int rows = p.rows(), c = p.c();
        for (int r = 0; r < rows; r++) {
            int k = p.statOf(r), ch = r % c;
            scale[r] = rstd[k] * (gamma == null ? 1 : gamma[ch]);
            shift[r] = (beta == null ? 0 : beta[ch]) - mu[k] * scale[r];
            center[r] = mu[k];
        }
        if (runningMean != null || runningVar != null) {
            if (runningMean == null || runningVar == null || !p.batch() || rowMean == null)
                throw new IllegalArgumentException("norm statistics: running statistics need both arrays, batch mode "
                        + "and statistics from row moments; " + p);
            long cnt = p.count();
            if (cnt < 2) throw new IllegalArgumentException("norm statistics: the unbiased variance needs more than one "
                    + "value per channel; " + p);
            for (int k = 0; k < c; k++) {
                runningMean[k] = (1 - momentum) * runningMean[k] + momentum * mu[k];
                runningVar[k] = (1 - momentum) * runningVar[k] + momentum * var[k] * cnt / (cnt - 1);
            }
        }
    }

    public static void backward(NormSpec p, double[] rowMean, double[] rowM2, double[] fixedMean, double[] fixedVar,
                                double[] gamma, double[] sumG, double[] sumGC,
                                double[] a, double[] b, double[] t, double[] dgamma, double[] dbeta) {
        double[][] st = stats(p, rowMean, rowM2, fixedMean, fixedVar);
        double[] mu = st[0], rstd = st[2];
        int rows = p.rows(), c = p.c(), nStat = p.stats();
        long cnt = p.count();
        if (dgamma != null) {
            java.util.Arrays.fill(dgamma, 0, c, 0);
            for (int r = 0; r < rows; r++) dgamma[r % c] += rstd[p.statOf(r)] * sumGC[r];
        }
        if (dbeta != null) {
            java.util.Arrays.fill(dbeta, 0, c, 0);
            for (int r = 0; r < rows; r++) dbeta[r % c] += sumG[r];
        }
        if (a == null && b == null && t == null) return;
        boolean fixed = rowMean == null;
        double[] k1 = new double[nStat], k2 = new double[nStat];
        if (!fixed) {
            for (int r = 0; r < rows; r++) {
                int k = p.statOf(r);
                double gm = gamma == null ? 1 : gamma[r % c];
                k1[k] += gm * sumG[r];
                k2[k] += gm * rstd[k] * sumGC[r];
            }
            for (int k = 0; k < nStat; k++) { k1[k] /= cnt; k2[k] /= cnt; }
        }
        for (int r = 0; r < rows; r++) {
            int k = p.statOf(r);
            double rs = rstd[k];
            if (a != null) a[r] = rs * (gamma == null ? 1 : gamma[r % c]);
            if (fixed) continue;
            if (b != null) b[r] = -rs * rs * k2[k];
            if (t != null) t[r] = rs * rs * k2[k] * mu[k] - rs * k1[k];
        }
    }
}
