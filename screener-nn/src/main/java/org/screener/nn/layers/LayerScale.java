package org.screener.nn.layers;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

/** Multiplies channel c of an (N, C, ...) tensor by a learned γ_c (initially small, 1e-5 by default). */
public final class LayerScale extends Module {
    public static final float DEFAULT_INIT = 1e-5f;
    public final Parameter gamma;

    public LayerScale(Backend be, int channels, float init) {
        this.gamma = registerParameter("gamma", Tensor.full(be, init, channels));
    }

    public LayerScale(int channels) { this(Backends.getDefault(), channels, DEFAULT_INIT); }

    @Override public Tensor forward(Tensor x) { return x.mul(channelView(gamma.tensor(), x.rank())); }

    /** A (C) vector as (1, C, 1, ...) for broadcasting against a rank-r tensor. */
    static Tensor channelView(Tensor v, int rank) {
        int[] s = new int[rank];
        java.util.Arrays.fill(s, 1);
        s[1] = v.dim(0);
        return v.reshape(s);
    }
}
