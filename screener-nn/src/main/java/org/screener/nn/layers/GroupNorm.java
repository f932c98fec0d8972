package org.screener.nn.layers;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.ops.Norms;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

/** Group normalisation over (N, C, ...) with per-channel affine weight (1) and bias (0). */
public final class GroupNorm extends Module {
    public final int groups, channels;
    public final float eps;
    public final Parameter weight, bias;

    public GroupNorm(Backend be, int groups, int channels, float eps, boolean affine) {
        if (groups <= 0 || channels % groups != 0)
            throw new IllegalArgumentException("GroupNorm: " + channels + " channels not divisible into " + groups + " groups");
        this.groups = groups; this.channels = channels; this.eps = eps;
        this.weight = affine ? registerParameter("weight", Tensor.full(be, 1f, channels)) : null;
        this.bias = affine ? registerParameter("bias", Tensor.zeros(be, channels)) : null;
    }

    public GroupNorm(int groups, int channels) { this(Backends.getDefault(), groups, channels, 1e-5f, true); }

    @Override public Tensor forward(Tensor x) {
        return Norms.groupNorm(x, groups, weight == null ? null : weight.tensor(), bias == null ? null : bias.tensor(), eps);
    }
}
