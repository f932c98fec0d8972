package org.screener.nn.density;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.ops.Reductions;
import org.screener.core.ops.Shapes;
import org.screener.nn.Parameter;

/**
 * Diagonal Gaussian with a learned mean and log-variance per channel, the same at every voxel:
 * NLL = ½ Σ_j [(y_j − μ_j)² e^{−s_j} + s_j + log 2π].
 */
public final class MarginalGaussian extends DensityModel {
    private final Parameter mean, logVar;

    /** Starts at the standard normal. */
    public MarginalGaussian(Backend backend, int channels) {
        super(channels, 0);
        mean = registerParameter("mean", Tensor.zeros(backend, channels));
        logVar = registerParameter("log_var", Tensor.zeros(backend, channels));
    }

    public Parameter mean() { return mean; }
    public Parameter logVar() { return logVar; }

    @Override public Tensor nll(Tensor y, Tensor c) {
        checkInputs(y, null);
        return gaussianNll(y, Shapes.reshape(mean.tensor(), 1, channels, 1, 1, 1), Shapes.reshape(logVar.tensor(), 1, channels, 1, 1, 1));
    }

    /** Per-voxel diagonal-Gaussian NLL summed over channel axis 1; mean/logVar broadcast against y. */
    static Tensor gaussianNll(Tensor y, Tensor mean, Tensor logVar) {
        Tensor quad = y.sub(mean).square().mul(logVar.neg().exp());
        return Reductions.sum(quad.add(logVar), 1).mul(0.5f).add((float) (y.dim(1) * HALF_LOG_2PI));
    }
}
