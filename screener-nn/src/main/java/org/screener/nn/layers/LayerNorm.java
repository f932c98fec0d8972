package org.screener.nn.layers;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.ops.Norms;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

/** Normalisation of each row of an (M, C) tensor over C, with affine weight (1) and bias (0). */
public final class LayerNorm extends Module {
    public final float eps;
    public final Parameter weight, bias;

    public LayerNorm(Backend be, int channels, float eps) {
        this.eps = eps;
        this.weight = registerParameter("weight", Tensor.full(be, 1f, channels));
        this.bias = registerParameter("bias", Tensor.zeros(be, channels));
    }

    public LayerNorm(int channels) { this(Backends.getDefault(), channels, 1e-5f); }

    @Override public Tensor forward(Tensor x) { return Norms.layerNorm(x, weight.tensor(), bias.tensor(), eps); }
}
