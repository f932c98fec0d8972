package org.screener.nn.layers;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.ops.Conv;
import org.screener.nn.Init;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

import java.util.Random;

/** Transposed 3D convolution; weight (Cin, Cout, kD, kH, kW) as in PyTorch, optional bias (Cout). */
public final class ConvTranspose3d extends Module {
    private final int[] stride, pad, outputPadding, dilation;
    public final Parameter weight, bias;

    public ConvTranspose3d(Backend be, int cin, int cout, int[] kernel, int[] stride, int[] pad, int[] outputPadding,
                           int[] dilation, boolean bias, Random rnd) {
        if (cin <= 0 || cout <= 0) throw new IllegalArgumentException("ConvTranspose3d: channels in=" + cin + " out=" + cout);
        this.stride = stride.clone(); this.pad = pad.clone(); this.outputPadding = outputPadding.clone(); this.dilation = dilation.clone();
        this.weight = registerParameter("weight", Tensor.zeros(be, cin, cout, kernel[0], kernel[1], kernel[2]));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(be, cout)) : null;
        // PyTorch computes the fan from weight dim 1 (here Cout) times the kernel volume
        double b = 1 / Math.sqrt(Init.fanIn(weight.shape()));
        Init.uniform(weight, b, rnd);
        if (this.bias != null) Init.uniform(this.bias, b, rnd);
    }

    public ConvTranspose3d(int cin, int cout, int k, int stride, int pad, boolean bias, Random rnd) {
        this(Backends.getDefault(), cin, cout, new int[]{k, k, k}, new int[]{stride, stride, stride}, new int[]{pad, pad, pad},
                new int[3], new int[]{1, 1, 1}, bias, rnd);
    }

    @Override public Tensor forward(Tensor x) {
        return Conv.convTranspose3d(x, weight.tensor(), bias == null ? null : bias.tensor(), stride, pad, outputPadding, dilation);
    }
}
