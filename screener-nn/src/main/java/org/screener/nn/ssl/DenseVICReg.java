package org.screener.nn.ssl;

import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.ops.Activations;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Reductions;

/**
 * Dense VICReg loss (method reference §2.3) over the expander outputs of paired voxels: row i of both (M, D)
 * matrices belongs to the same voxel seen in the two views. The statistics are taken over all M rows at once.
 */
public final class DenseVICReg {
    public static final float INVARIANCE_WEIGHT = 25f, VARIANCE_WEIGHT = 25f, COVARIANCE_WEIGHT = 1f;
    public static final float EPS = 1e-4f;

    private DenseVICReg() {}

    /** 25·invariance + 25·variance + 1·covariance, the last two averaged over the views. */
    public static Tensor loss(Tensor z1, Tensor z2) {
        return loss(z1, z2, INVARIANCE_WEIGHT, VARIANCE_WEIGHT, COVARIANCE_WEIGHT);
    }

    public static Tensor loss(Tensor z1, Tensor z2, float wInv, float wVar, float wCov) {
        check(z1, z2);
        Tensor var = variance(z1).add(variance(z2)).mul(0.5f);
        Tensor cov = covariance(z1).add(covariance(z2)).mul(0.5f);
        return invariance(z1, z2).mul(wInv).add(var.mul(wVar)).add(cov.mul(wCov));
    }

    /** Mean squared difference of the paired embeddings. */
    public static Tensor invariance(Tensor z1, Tensor z2) {
        check(z1, z2);
        return Reductions.mean(z1.sub(z2).square());
    }

    /** mean_j relu(1 − sqrt(var_j + 1e-4)), var with the n−1 normaliser. */
    public static Tensor variance(Tensor z) {
        Tensor std = Reductions.var(z, true, 0).add(EPS).sqrt();
        return Reductions.mean(Activations.relu(std.neg().add(1f)));
    }

    /** Sum of squared off-diagonal entries of the (n−1)-normalised covariance, divided by D. */
    public static Tensor covariance(Tensor z) {
        int n = z.dim(0), d = z.dim(1);
        Tensor c = z.sub(Reductions.meanKeep(z, 0));
        Tensor cov = Linalg.matmul(c, c, true, false).mul((float) (1.0 / (n - 1)));
        // off-diagonal = all − diagonal; the diagonal is the per-column variance
        Tensor diag = Reductions.sum(c.square(), 0).mul((float) (1.0 / (n - 1)));
        return Reductions.sum(cov.square()).sub(Reductions.sum(diag.square())).mul(1f / d);
    }

    private static void check(Tensor z1, Tensor z2) {
        if (z1.rank() != 2 || !java.util.Arrays.equals(z1.shape(), z2.shape()) || z1.dim(0) < 2)
            throw new IllegalArgumentException("DenseVICReg: needs two (M, D) embeddings of equal shape with M >= 2, got "
                    + Shape.str(z1.shape()) + " and " + Shape.str(z2.shape()));
    }
}
