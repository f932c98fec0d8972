package org.screener.nn.layers;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.ops.Norms;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

/** Per-sample, per-channel normalisation over the spatial axes; affine optional (PyTorch's default: none). */
public final class InstanceNorm extends Module {
    public final float eps;
    public final Parameter weight, bias;

    public InstanceNorm(Backend be, int channels, float eps, boolean affine) {
        this.eps = eps;
        this.weight = affine ? registerParameter("weight", Tensor.full(be, 1f, channels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(be, channels)) : null;
    }

    public InstanceNorm(int channels, boolean affine) { this(Backends.getDefault(), channels, 1e-5f, affine); }

    @Override public Tensor forward(Tensor x) {
        return Norms.instanceNorm(x, weight == null ? null : weight.tensor(), bias == null ? null : bias.tensor(), eps);
    }
}
