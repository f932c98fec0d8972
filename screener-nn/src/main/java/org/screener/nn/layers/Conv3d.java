package org.screener.nn.layers;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.ops.Conv;
import org.screener.nn.Init;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

import java.util.Random;

/** 3D convolution; weight (Cout, Cin/groups, kD, kH, kW), optional bias (Cout). PyTorch's default init. */
public final class Conv3d extends Module {
    public final int inChannels, outChannels, groups;
    private final int[] kernel, stride, pad, dilation;
    public final Parameter weight, bias;

    public Conv3d(Backend be, int cin, int cout, int[] kernel, int[] stride, int[] pad, int[] dilation, int groups,
                  boolean bias, Random rnd) {
        if (cin <= 0 || cout <= 0 || groups <= 0 || cin % groups != 0 || cout % groups != 0)
            throw new IllegalArgumentException("Conv3d: channels in=" + cin + " out=" + cout + " groups=" + groups);
        this.inChannels = cin; this.outChannels = cout; this.groups = groups;
        this.kernel = kernel.clone(); this.stride = stride.clone(); this.pad = pad.clone(); this.dilation = dilation.clone();
        this.weight = registerParameter("weight", Tensor.zeros(be, cout, cin / groups, kernel[0], kernel[1], kernel[2]));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(be, cout)) : null;
        resetParameters(rnd);
    }

    /** Cube kernel k, stride, padding, default backend. */
    public Conv3d(int cin, int cout, int k, int stride, int pad, boolean bias, Random rnd) {
        this(Backends.getDefault(), cin, cout, new int[]{k, k, k}, new int[]{stride, stride, stride}, new int[]{pad, pad, pad},
                new int[]{1, 1, 1}, 1, bias, rnd);
    }

    /** U(±1/sqrt(fan in)) for weight and bias, as PyTorch. */
    public void resetParameters(Random rnd) {
        double b = 1 / Math.sqrt(Init.fanIn(weight.shape()));
        Init.uniform(weight, b, rnd);
        if (bias != null) Init.uniform(bias, b, rnd);
    }

    @Override public Tensor forward(Tensor x) {
        return Conv.conv3d(x, weight.tensor(), bias == null ? null : bias.tensor(), stride, pad, dilation, groups);
    }
}
