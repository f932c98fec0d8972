package org.screener.core.ops;

import org.screener.core.Backend;
import org.screener.core.NormSpec;
import org.screener.core.Shape;
import org.screener.core.Storage;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

/**
 * Group, instance, layer and batch normalisation. All four view the input as rows of a (N·C, S) matrix
 * (S = product of the spatial axes) and use the backend's fused row kernels ({@link Backend#rowMoments},
 * {@link Backend#rowDots}, {@link Backend#rowAffine}): the forward reads x twice (moments, then the affine
 * map), the backward reads g and x twice (two dot products per row, then one affine map of g and x).
 * Per-row moments are combined per group in double with Chan's formula by {@link Backend#normForward}, whose
 * per-row coefficients feed rowAffine; the backward recomputes the statistics from the same row moments in
 * {@link Backend#normBackward}. Nothing is read to the host, forward or backward.
 */
public final class Norms {
    private Norms() {}

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
                    false, null, null, null, null, eps, null, null, 0f), xs);
            int[] ps = new int[xs.length - 1];
            java.util.Arrays.fill(ps, 1);
            ps[0] = c;
            if (gamma != null) xhat = Elementwise.mul(xhat, Shapes.reshape(gamma, ps));
            if (beta != null) xhat = Elementwise.add(xhat, Shapes.reshape(beta, ps));
            return xhat;
        }
        return channelNorm("groupNorm", x, groups, false, null, null, gamma, beta, eps, null, null, 0f);
    }

    /** Below this many values per channel, group norm normalises whole groups as rows (see groupNorm). */
    private static final int SHORT_ROWS = 64;

    /** InstanceNorm: group norm with one group per channel. */
    public static Tensor instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        checkNC("instanceNorm", x);
        return channelNorm("instanceNorm", x, x.dim(1), false, null, null, gamma, beta, eps, null, null, 0f);
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
                null, null, eps, null, null, 0f), xs);
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
            return channelNorm("batchNorm", x, 0, true, runningMean, runningVar, gamma, beta, eps, null, null, 0f);
        boolean update = training && runningMean != null;
        if (update && c > 0 && x.numel() / c < 2)
            throw new IllegalArgumentException("batchNorm: training needs more than one value per channel, got " + Shape.str(xs));
        return channelNorm("batchNorm", x, 0, true, null, null, gamma, beta, eps,
                update ? runningMean : null, update ? runningVar : null, momentum);
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
     * statistics and are not differentiated. runningMean/runningVar, if given (batch statistics only), are
     * updated in place by the forward.
     */
    private static Tensor channelNorm(String op, Tensor x, int groups, boolean batch, Tensor fixedMean, Tensor fixedVar,
                                      Tensor gamma, Tensor beta, float eps, Tensor runningMean, Tensor runningVar,
                                      float momentum) {
        Backend be = x.backend();
        int[] xs = x.shape();
        int n = xs[0], c = xs[1];
        checkParam(op, "gamma", gamma, c, xs);
        checkParam(op, "beta", beta, c, xs);
        for (Tensor t : new Tensor[]{gamma, beta, fixedMean, fixedVar, runningMean, runningVar})
            if (t != null && t.backend() != be)
                throw new IllegalArgumentException(op + ": parameters or statistics live on another backend than the input "
                        + be.name());
        int rows = n * c;
        int s = rows == 0 ? 0 : (int) (x.numel() / rows);
        NormSpec p = batch ? NormSpec.batchNorm(n, c, s, eps) : NormSpec.grouped(n, c, s, groups, eps);
        boolean statsFixed = fixedMean != null;
        // the statistics the backward recomputes from: row moments, or a snapshot of the fixed statistics (a later
        // training forward may update the running statistics in place before this backward runs)
        Storage m = null, m2 = null, fm = null, fv = null;
        if (statsFixed) {
            fm = snapshot(be, fixedMean, c);
            fv = snapshot(be, fixedVar, c);
        } else {
            if (p.count() == 0) throw new IllegalArgumentException(op + ": no values to normalise in " + Shape.str(xs));
            m = scratch(be, rows);
            m2 = scratch(be, rows);
            be.rowMoments(x.storage(), rows, s, m, m2);
        }
        Storage gam = gamma == null ? null : gamma.storage(), bet = beta == null ? null : beta.storage();
        Storage scale = scratch(be, rows), shift = scratch(be, rows), center = scratch(be, rows);
        be.normForward(p, m, m2, fm, fv, gam, bet, scale, shift, center,
                runningMean == null ? null : runningMean.storage(), runningVar == null ? null : runningVar.storage(), momentum);
        Tensor y = Tensor.empty(be, xs);
        be.rowAffine(x.storage(), scale, null, null, shift, rows, s, y.storage());
        Storage rm = m, rm2 = m2, sfm = fm, sfv = fv;
        return Autograd.record(y, op, new Tensor[]{x, gamma, beta}, g -> {
            Storage sumG = scratch(be, rows), sumGC = scratch(be, rows);   // Σ g and Σ g·(x − μ) per row
            be.rowDots(g.storage(), x.storage(), center, rows, s, sumG, sumGC);
            Tensor gx = null, gg = null, gb = null;
            if (gamma != null && gamma.requiresGrad()) gg = Tensor.empty(be, gamma.shape());
            if (beta != null && beta.requiresGrad()) gb = Tensor.empty(be, beta.shape());
            Storage a = null, b = null, t = null;
            if (x.requiresGrad()) {
                // gx = a·g + b·x + t per row (one pass); with fixed statistics just a·g
                a = scratch(be, rows);
                if (!statsFixed) { b = scratch(be, rows); t = scratch(be, rows); }
            }
            if (gg != null || gb != null || a != null)
                be.normBackward(p, rm, rm2, sfm, sfv, gam, sumG, sumGC, a, b, t,
                        gg == null ? null : gg.storage(), gb == null ? null : gb.storage());
            if (a != null) {
                gx = Tensor.empty(be, xs);
                if (statsFixed) be.rowAffine(g.storage(), a, null, null, null, rows, s, gx.storage());
                else be.rowAffine(g.storage(), a, x.storage(), b, t, rows, s, gx.storage());
            }
            return new Tensor[]{gx, gg, gb};
        });
    }

    private static Storage snapshot(Backend be, Tensor t, int n) {
        Storage c = scratch(be, n);
        be.copy(t.storage(), 0, c, 0, n);
        return c;
    }

    /**
     * A zeroed per-row buffer made through Tensor's factory, so that the step's TensorScope frees it (a raw
     * Backend.allocate would be left to the GC and defeat the pool).
     */
    private static Storage scratch(Backend be, long n) { return Tensor.zeros(be, Math.toIntExact(n)).storage(); }
}
