package org.screener.nn.optim;

import org.screener.core.Tensor;
import org.screener.nn.Parameter;

import java.util.Collection;

/** Gradient clipping by the global L2 norm, as torch.nn.utils.clip_grad_norm_. */
public final class GradClip {
    private GradClip() {}

    /** Global L2 norm of all gradients (parameters without a gradient count as zero). */
    public static double globalNorm(Collection<Parameter> params) {
        double s = 0;
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            for (float v : g.toArray()) s += (double) v * v;
        }
        return Math.sqrt(s);
    }

    /**
     * Scales every gradient by maxNorm / (norm + 1e-6) when that is below 1. Returns the norm before clipping
     * (NaN or infinite norms are returned as is and the gradients are left alone, so callers can skip the step).
     */
    public static double clipGradNorm(Collection<Parameter> params, double maxNorm) {
        if (!(maxNorm > 0)) throw new IllegalArgumentException("clipGradNorm: max norm " + maxNorm + " must be positive");
        double norm = globalNorm(params);
        if (!Double.isFinite(norm)) return norm;
        double coef = maxNorm / (norm + 1e-6);
        if (coef < 1) {
            for (Parameter p : params) {
                Tensor g = p.grad();
                if (g != null) g.assign(g.detach().mul((float) coef));
            }
        }
        return norm;
    }
}
