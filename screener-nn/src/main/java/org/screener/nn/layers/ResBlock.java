package org.screener.nn.layers;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.ops.Activations;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

import java.util.Random;

/**
 * The medimm residual block: GroupNorm → SiLU → conv3³ → + per-channel bias → GroupNorm → SiLU → conv3³ →
 * LayerScale, added to the input. The bias stands in for medimm's constant time embedding (t = 1).
 * Groups: min(C/4, 32), at least 1.
 */
public final class ResBlock extends Module {
    public final int channels;
    public final GroupNorm norm1, norm2;
    public final Conv3d conv1, conv2;
    public final Parameter bias;
    public final LayerScale layerScale;

    public ResBlock(Backend be, int channels, Random rnd) {
        this.channels = channels;
        int g = groupsFor(channels);
        int[] k3 = {3, 3, 3}, one = {1, 1, 1};
        norm1 = registerModule("norm1", new GroupNorm(be, g, channels, 1e-5f, true));
        conv1 = registerModule("conv1", new Conv3d(be, channels, channels, k3, one, one, one, 1, true, rnd));
        bias = registerParameter("bias", Tensor.zeros(be, channels));
        norm2 = registerModule("norm2", new GroupNorm(be, g, channels, 1e-5f, true));
        conv2 = registerModule("conv2", new Conv3d(be, channels, channels, k3, one, one, one, 1, true, rnd));
        layerScale = registerModule("layer_scale", new LayerScale(be, channels, LayerScale.DEFAULT_INIT));
    }

    public ResBlock(int channels, Random rnd) { this(Backends.getDefault(), channels, rnd); }

    /** min(C/4, 32) groups, at least one, reduced until it divides C. */
    public static int groupsFor(int channels) {
        int g = Math.max(1, Math.min(channels / 4, 32));
        while (channels % g != 0) g--;
        return g;
    }

    @Override public Tensor forward(Tensor x) {
        Tensor h = conv1.forward(Activations.silu(norm1.forward(x)));
        h = h.add(LayerScale.channelView(bias.tensor(), h.rank()));
        h = conv2.forward(Activations.silu(norm2.forward(h)));
        return x.add(layerScale.forward(h));
    }
}
