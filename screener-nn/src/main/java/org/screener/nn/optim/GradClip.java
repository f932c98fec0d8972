package org.screener.nn.optim;

import org.screener.core.Backend;
import org.screener.core.Storage;
import org.screener.core.Tensor;
import org.screener.core.UnaryOp;
import org.screener.nn.Parameter;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Gradient clipping by the global L2 norm, as torch.nn.utils.clip_grad_norm_. */
public final class GradClip {
    private GradClip() {}

    /**
     * Global L2 norm of all gradients (parameters without a gradient count as zero): one
     * {@link Backend#sumSquares} per backend, so one scalar comes back to the host.
     */
    public static double globalNorm(Collection<Parameter> params) {
        Map<Backend, List<Tensor>> byBackend = new LinkedHashMap<>();
        for (Parameter p : params) {
            Tensor g = p.grad();
            if (g != null) byBackend.computeIfAbsent(g.backend(), b -> new ArrayList<>()).add(g);
        }
        double s = 0;
        for (Map.Entry<Backend, List<Tensor>> e : byBackend.entrySet()) {
            List<Tensor> gs = e.getValue();
            Storage[] xs = new Storage[gs.size()];
            long[] n = new long[gs.size()];
            for (int i = 0; i < xs.length; i++) { xs[i] = gs.get(i).storage(); n[i] = gs.get(i).numel(); }
            s += e.getKey().sumSquares(xs, n);
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
                // in place, the same float multiply as g.mul((float) coef) (unary MUL_SCALAR), without a temporary
                if (g != null) g.backend().unary(UnaryOp.MUL_SCALAR, g.storage(), g.storage(), g.numel(), (float) coef, 0f);
            }
        }
        return norm;
    }
}
