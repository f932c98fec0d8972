package org.screener.core;

import java.util.Arrays;

/**
 * Geometry of a 3D convolution or pooling window: batch, channels, input and output spatial size, kernel,
 * stride, padding, dilation and groups. Layouts are NCDHW for data and (Cout, Cin/groups, kD, kH, kW) for
 * weights. Immutable; output sizes are derived once here so every kernel agrees on them.
 */
public final class ConvParams {
    public final int n, cin, cout, groups;
    public final int[] in;       // D, H, W of the input
    public final int[] kernel;   // kD, kH, kW
    public final int[] stride;
    public final int[] pad;      // symmetric zero padding per axis
    public final int[] dilation;
    public final int[] out;      // D, H, W of the output

    public ConvParams(int n, int cin, int cout, int[] in, int[] kernel, int[] stride, int[] pad, int[] dilation,
                      int groups) {
        this.n = n; this.cin = cin; this.cout = cout; this.groups = groups;
        this.in = in.clone(); this.kernel = kernel.clone(); this.stride = stride.clone();
        this.pad = pad.clone(); this.dilation = dilation.clone();
        if (groups <= 0 || cin % groups != 0 || cout % groups != 0)
            throw new IllegalArgumentException("conv3d: channels in=" + cin + " out=" + cout
                    + " are not divisible by groups=" + groups);
        this.out = new int[3];
        for (int a = 0; a < 3; a++) {
            if (kernel[a] <= 0 || stride[a] <= 0 || dilation[a] <= 0 || pad[a] < 0)
                throw new IllegalArgumentException("conv3d: bad kernel/stride/dilation/padding " + this);
            int eff = dilation[a] * (kernel[a] - 1) + 1;
            int o = (in[a] + 2 * pad[a] - eff) / stride[a] + 1;
            if (in[a] + 2 * pad[a] < eff || o <= 0)
                throw new IllegalArgumentException("conv3d: input " + Arrays.toString(in)
                        + " is smaller than the dilated kernel " + Arrays.toString(kernel) + " with padding "
                        + Arrays.toString(pad));
            out[a] = o;
        }
    }

    /** Same kernel size, stride, padding and dilation on all three axes; groups = 1. */
    public static ConvParams cube(int n, int cin, int cout, int[] in, int k, int stride, int pad, int dilation) {
        return new ConvParams(n, cin, cout, in, new int[]{k, k, k}, new int[]{stride, stride, stride},
                new int[]{pad, pad, pad}, new int[]{dilation, dilation, dilation}, 1);
    }

    public int[] inputShape() { return new int[]{n, cin, in[0], in[1], in[2]}; }
    public int[] outputShape() { return new int[]{n, cout, out[0], out[1], out[2]}; }
    public int[] weightShape() { return new int[]{cout, cin / groups, kernel[0], kernel[1], kernel[2]}; }
    public long inVoxels() { return (long) in[0] * in[1] * in[2]; }
    public long outVoxels() { return (long) out[0] * out[1] * out[2]; }
    public long kernelVolume() { return (long) kernel[0] * kernel[1] * kernel[2]; }
    /** Multiply-adds of the forward pass times two. */
    public double flops() { return 2.0 * n * cout * outVoxels() * (cin / groups) * kernelVolume(); }

    @Override public String toString() {
        return "ConvParams{n=" + n + ", cin=" + cin + ", cout=" + cout + ", in=" + Arrays.toString(in)
                + ", kernel=" + Arrays.toString(kernel) + ", stride=" + Arrays.toString(stride)
                + ", pad=" + Arrays.toString(pad) + ", dilation=" + Arrays.toString(dilation)
                + ", groups=" + groups + ", out=" + Arrays.toString(out) + "}";
    }
}
