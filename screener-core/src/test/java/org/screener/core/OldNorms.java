package org.screener.core;

import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Shapes;
import org.screener.core.autograd.Autograd;

/**
 * Norms as it was before its statistics moved onto the backend (issue 11): the host-side double arithmetic
 * kept verbatim as the oracle that NormsKernelTest compares the backend kernels with, bit for bit.
 */
final class OldNorms {
    private OldNorms() {}

    /** GroupNorm over (N, C, ...): statistics per sample and group of C/groups channels; per-channel affine. */
    public static Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps) {
        checkNC("groupNorm", x);
        int c = x.dim(1);
        if (groups <= 0 || c % groups != 0)
            throw new IllegalArgumentException("groupNorm: " + c + " channels of " + Shape.str(x.shape())
                    + " are not divisible into " + groups + " groups");
        int[] xs = x.shape();
        int n = xs[0], cpg = c / groups;
        long s = x.numel() / Math.max(1, (long) n * c);
        if (s < SHORT_ROWS && cpg > 1) {
            // few values per channel (e.g. (N, C) features): one row per (n, group), which is contiguous, then the
            // per-channel affine map by broadcasting, instead of N·C rows of a handful of values each
            checkParam("groupNorm", "gamma", gamma, c, xs);
            checkParam("groupNorm", "beta", beta, c, xs);
            Tensor xhat = Shapes.reshape(channelNorm("groupNorm", Shapes.reshape(x, n * groups, 1, (int) (cpg * s)), 1,
                    false, null, null, null, null, eps, null), xs);
            int[] ps = new int[xs.length - 1];
            java.util.Arrays.fill(ps, 1);
            ps[0] = c;
            if (gamma != null) xhat = Elementwise.mul(xhat, Shapes.reshape(gamma, ps));
            if (beta != null) xhat = Elementwise.add(xhat, Shapes.reshape(beta, ps));
            return xhat;
        }
        return channelNorm("groupNorm", x, groups, false, null, null, gamma, beta, eps, null);
    }

    /** Below this many values per channel, group norm normalises whole groups as rows (see groupNorm). */
    private static final int SHORT_ROWS = 64;

    /** InstanceNorm: group norm with one group per channel. */
    public static Tensor instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        checkNC("instanceNorm", x);
        return channelNorm("instanceNorm", x, x.dim(1), false, null, null, gamma, beta, eps, null);
    }

    /** LayerNorm over the last axis of x (M, C) (any leading axes); gamma and beta have shape (C). */
    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        if (x.rank() < 1) throw new IllegalArgumentException("layerNorm: needs rank >= 1, got " + Shape.str(x.shape()));
        int[] xs = x.shape();
        int c = xs[xs.length - 1];
        checkParam("layerNorm", "gamma", gamma, c, xs);
        checkParam("layerNorm", "beta", beta, c, xs);
        int rows = (int) (x.numel() / Math.max(1, c));
        // each row is a sample with one channel of c values; the affine part is per column, so it is broadcast
        Tensor xhat = Shapes.reshape(channelNorm("layerNorm", Shapes.reshape(x, rows, 1, c), 1, false, null, null,
                null, null, eps, null), xs);
        if (gamma != null) xhat = Elementwise.mul(xhat, Shapes.reshape(gamma, c));
        if (beta != null) xhat = Elementwise.add(xhat, Shapes.reshape(beta, c));
        return xhat;
    }

    /**
     * BatchNorm over (N, C, ...): per-channel statistics over the batch and spatial axes. Training normalises
     * with the batch statistics (biased variance) and, if given, updates runningMean/runningVar in place:
     * r = (1 − momentum)·r + momentum·batch (unbiased variance for runningVar). Evaluation normalises with the
     * running statistics (or the batch statistics when they are null). gamma/beta may be null.
     */
    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor gamma, Tensor beta,
                                   boolean training, float momentum, float eps) {
        checkNC("batchNorm", x);
        int c = x.dim(1);
        int[] xs = x.shape();
        checkParam("batchNorm", "runningMean", runningMean, c, xs);
        checkParam("batchNorm", "runningVar", runningVar, c, xs);
        if ((runningMean == null) != (runningVar == null))
            throw new IllegalArgumentException("batchNorm: give both runningMean and runningVar or neither");
        if (!training && runningMean != null)
            return channelNorm("batchNorm", x, 0, true, runningMean.toDoubleArray(), runningVar.toDoubleArray(),
                    gamma, beta, eps, null);
        double[][] stats = new double[2][];
        Tensor y = channelNorm("batchNorm", x, 0, true, null, null, gamma, beta, eps, stats);
        if (training && runningMean != null) {
            long cnt = x.numel() / c;
            if (cnt < 2) throw new IllegalArgumentException("batchNorm: training needs more than one value per channel, got "
                    + Shape.str(xs));
            double[] rm = runningMean.toDoubleArray(), rv = runningVar.toDoubleArray();
            for (int k = 0; k < c; k++) {
                rm[k] = (1 - momentum) * rm[k] + momentum * stats[0][k];
                rv[k] = (1 - momentum) * rv[k] + momentum * stats[1][k] * cnt / (cnt - 1);
            }
            runningMean.backend().writeDouble(runningMean.storage(), 0, rm, 0, c);
            runningVar.backend().writeDouble(runningVar.storage(), 0, rv, 0, c);
        }
        return y;
    }

    private static void checkNC(String op, Tensor x) {
        if (x.rank() < 2) throw new IllegalArgumentException(op + ": input must be (N, C, ...) of rank 2..5, got " + Shape.str(x.shape()));
    }

    private static void checkParam(String op, String name, Tensor t, int c, int[] xs) {
        if (t != null && t.numel() != c)
            throw new IllegalArgumentException(op + ": " + name + " of shape " + Shape.str(t.shape()) + " does not have "
                    + c + " entries for input " + Shape.str(xs));
    }

    /**
     * The shared core. Rows r = n·C + c of length S. Statistics groups: per (n, channel group) when !batch, per
     * channel over the batch when batch. fixedMean/fixedVar (per channel, batch mode only) replace the batch
     * statistics and are not differentiated. statsOut, if given, receives {mean, biased variance} per group.
     */
    private static Tensor channelNorm(String op, Tensor x, int groups, boolean batch, double[] fixedMean, double[] fixedVar,
                                      Tensor gamma, Tensor beta, float eps, double[][] statsOut) {
        Backend be = x.backend();
        int[] xs = x.shape();
        int n = xs[0], c = xs[1];
        checkParam(op, "gamma", gamma, c, xs);
        checkParam(op, "beta", beta, c, xs);
        if (gamma != null && gamma.backend() != be || beta != null && beta.backend() != be)
            throw new IllegalArgumentException(op + ": gamma/beta live on another backend than the input " + be.name());
        int rows = n * c;
        int s = rows == 0 ? 0 : (int) (x.numel() / rows);
        int cpg = batch ? 1 : c / groups;
        int nStat = batch ? c : n * groups;
        long cnt = batch ? (long) n * s : (long) cpg * s;
        int[] statOf = new int[rows];
        for (int r = 0; r < rows; r++) statOf[r] = batch ? r % c : (r / c) * groups + (r % c) / cpg;

        double[] mu, rstd = new double[nStat];
        if (fixedMean != null) {
            mu = fixedMean.clone();
            for (int k = 0; k < nStat; k++) rstd[k] = 1 / Math.sqrt(fixedVar[k] + eps);
        } else {
            if (cnt == 0) throw new IllegalArgumentException(op + ": no values to normalise in " + Shape.str(xs));
            Tensor rm = Tensor.empty(be, rows), rm2 = Tensor.empty(be, rows);
            be.rowMoments(x.storage(), rows, s, rm.storage(), rm2.storage());
            double[] m = rm.toDoubleArray(), m2 = rm2.toDoubleArray();
            mu = new double[nStat];
            double[] var = new double[nStat];
            for (int r = 0; r < rows; r++) mu[statOf[r]] += m[r] * s;
            for (int k = 0; k < nStat; k++) mu[k] /= cnt;
            // Chan et al.: M2 of a union = Σ M2_r + Σ S·(mean_r − mean)²
            for (int r = 0; r < rows; r++) {
                double d = m[r] - mu[statOf[r]];
                var[statOf[r]] += m2[r] + s * d * d;
            }
            for (int k = 0; k < nStat; k++) {
                var[k] /= cnt;
                rstd[k] = 1 / Math.sqrt(var[k] + eps);
            }
            if (statsOut != null) { statsOut[0] = mu.clone(); statsOut[1] = var; }
        }
        double[] gam = gamma == null ? null : gamma.toDoubleArray(), bet = beta == null ? null : beta.toDoubleArray();
        double[] scale = new double[rows], shift = new double[rows], center = new double[rows];
        for (int r = 0; r < rows; r++) {
            int k = statOf[r], ch = r % c;
            scale[r] = rstd[k] * (gam == null ? 1 : gam[ch]);
            shift[r] = (bet == null ? 0 : bet[ch]) - mu[k] * scale[r];
            center[r] = mu[k];
        }
        Tensor y = Tensor.empty(be, xs);
        be.rowAffine(x.storage(), vec(be, scale), null, null, vec(be, shift), rows, s, y.storage());
        boolean statsFixed = fixedMean != null;
        return Autograd.record(y, op, new Tensor[]{x, gamma, beta}, g -> {
            Tensor sg = Tensor.empty(be, rows), sgc = Tensor.empty(be, rows);
            be.rowDots(g.storage(), x.storage(), vec(be, center), rows, s, sg.storage(), sgc.storage());
            double[] sumG = sg.toDoubleArray(), sumGC = sgc.toDoubleArray();   // Σ g and Σ g·(x − μ) per row
            Tensor gx = null, gg = null, gb = null;
            if (gamma != null && gamma.requiresGrad()) {
                double[] d = new double[c];
                for (int r = 0; r < rows; r++) d[r % c] += rstd[statOf[r]] * sumGC[r];
                gg = Tensor.ofDouble(be, d, gamma.shape());
            }
            if (beta != null && beta.requiresGrad()) {
                double[] d = new double[c];
                for (int r = 0; r < rows; r++) d[r % c] += sumG[r];
                gb = Tensor.ofDouble(be, d, beta.shape());
            }
            if (x.requiresGrad()) {
                // gx = rstd·(ĝ − mean ĝ − x̂·mean(ĝ·x̂)) with ĝ = γ·g, x̂ = (x − μ)·rstd, means over the group;
                // expanded into a·g + b·x + t per row so it is one pass
                double[] a = new double[rows], b = new double[rows], t = new double[rows];
                double[] k1 = new double[nStat], k2 = new double[nStat];
                if (!statsFixed) {
                    for (int r = 0; r < rows; r++) {
                        int k = statOf[r];
                        double gm = gam == null ? 1 : gam[r % c];
                        k1[k] += gm * sumG[r];
                        k2[k] += gm * rstd[k] * sumGC[r];
                    }
                    for (int k = 0; k < nStat; k++) { k1[k] /= cnt; k2[k] /= cnt; }
                }
                for (int r = 0; r < rows; r++) {
                    int k = statOf[r];
                    double rs = rstd[k];
                    a[r] = rs * (gam == null ? 1 : gam[r % c]);
                    b[r] = -rs * rs * k2[k];
                    t[r] = rs * rs * k2[k] * mu[k] - rs * k1[k];
                }
                gx = Tensor.empty(be, xs);
                if (statsFixed) be.rowAffine(g.storage(), vec(be, a), null, null, null, rows, s, gx.storage());
                else be.rowAffine(g.storage(), vec(be, a), x.storage(), vec(be, b), vec(be, t), rows, s, gx.storage());
            }
            return new Tensor[]{gx, gg, gb};
        });
    }

    private static Storage vec(Backend be, double[] v) {
        return Tensor.ofDouble(be, v, v.length).storage();
    }
}
