package org.screener.nn.layers;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.ops.Norms;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

/**
 * Batch normalisation over (N, C, ...): batch statistics while training (running_mean / running_var buffers
 * updated with the given momentum), running statistics in eval mode. Buffers are saved in checkpoints.
 */
public final class BatchNorm extends Module {
    public final float eps, momentum;
    public final Parameter weight, bias;

    public BatchNorm(Backend be, int channels, float eps, float momentum) {
        this.eps = eps; this.momentum = momentum;
        this.weight = registerParameter("weight", Tensor.full(be, 1f, channels));
        this.bias = registerParameter("bias", Tensor.zeros(be, channels));
        registerBuffer("running_mean", Tensor.zeros(be, channels));
        registerBuffer("running_var", Tensor.full(be, 1f, channels));
    }

    public BatchNorm(int channels) { this(Backends.getDefault(), channels, 1e-5f, 0.1f); }

    public Tensor runningMean() { return buffer("running_mean"); }
    public Tensor runningVar() { return buffer("running_var"); }

    @Override public Tensor forward(Tensor x) {
        return Norms.batchNorm(x, runningMean(), runningVar(), weight.tensor(), bias.tensor(), isTraining(), momentum, eps);
    }
}
