package org.screener.nn.density;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.ext.DensityExtension;
import org.screener.core.ops.Reductions;
import org.screener.core.ops.Shapes;
import org.screener.nn.Parameter;

/**
 * Diagonal Gaussian with a learned mean and log-variance per channel, the same at every voxel:
 * NLL = ½ Σ_j [(y_j − μ_j)² e^{−s_j} + s_j + log 2π].
 * Like Glow's act-norm it starts from the first batch it sees (μ = the batch mean, s = log of the batch
 * variance): descriptors live far from the standard normal, and a few hundred Adam steps from 0 do not get
 * there. The "initialized" buffer travels with checkpoints.
 */
public final class MarginalGaussian extends DensityModel {
    private final Parameter mean, logVar;
    private boolean initialized;   // = buffer "initialized" != 0

    /** The standard normal until the first batch initialises it. */
    public MarginalGaussian(Backend backend, int channels) {
        super(channels, 0);
        mean = registerParameter("mean", Tensor.zeros(backend, channels));
        logVar = registerParameter("log_var", Tensor.zeros(backend, channels));
        registerBuffer("initialized", Tensor.zeros(backend, 1));
    }

    /** A Java-side mirror of the "initialized" buffer: nll reads nothing from the backend to ask. */
    public boolean isInitialized() { return initialized; }

    /** A checkpoint may carry either value of the flag, into a fresh or an already initialised model. */
    @Override protected void onStateLoaded() { initialized = buffer("initialized").item() != 0; }

    /** Marks the model initialised without touching its parameters (e.g. parameters set by hand). */
    public MarginalGaussian markInitialized() {
        buffer("initialized").assign(Tensor.full(mean.tensor().backend(), 1f, 1));
        initialized = true;
        return this;
    }

    public Parameter mean() { return mean; }
    public Parameter logVar() { return logVar; }

    @Override public Tensor nll(Tensor y, Tensor c) {
        checkInputs(y, null);
        if (!isInitialized()) {
            double[][] ml = meanAndLogVariance(y);
            mean.tensor().assign(Tensor.ofDouble(y.backend(), ml[0], channels));
            logVar.tensor().assign(Tensor.ofDouble(y.backend(), ml[1], channels));
            markInitialized();
        }
        return gaussianNll(y, mean.tensor(), logVar.tensor(), false);
    }

    /**
     * The NLL with mean and logVar (d) each (perVoxel false) or (N, d, D, H, W) each: without autograd, by the
     * backend's {@link DensityExtension} when it has one; else (and as the definition) {@link #gaussianNll(Tensor, Tensor, Tensor)}.
     */
    static Tensor gaussianNll(Tensor y, Tensor mean, Tensor logVar, boolean perVoxel) {
        DensityExtension ext = Autograd.isEnabled() ? null : y.backend().extension(DensityExtension.class);
        int n = y.dim(0), d = y.dim(1);
        if (ext != null) {
            Tensor out = Tensor.zeros(y.backend(), n, y.dim(2), y.dim(3), y.dim(4));
            ext.gaussianNll(y.storage(), mean.storage(), logVar.storage(), perVoxel, n, d, (long) y.dim(2) * y.dim(3) * y.dim(4), out.storage());
            return out;
        }
        if (perVoxel) return gaussianNll(y, mean, logVar);
        return gaussianNll(y, Shapes.reshape(mean, 1, d, 1, 1, 1), Shapes.reshape(logVar, 1, d, 1, 1, 1));
    }

    /** Per-voxel diagonal-Gaussian NLL summed over channel axis 1; mean/logVar broadcast against y. */
    static Tensor gaussianNll(Tensor y, Tensor mean, Tensor logVar) {
        Tensor quad = y.sub(mean).square().mul(logVar.neg().exp());
        return Reductions.sum(quad.add(logVar), 1).mul(0.5f).add((float) (y.dim(1) * HALF_LOG_2PI));
    }
}
