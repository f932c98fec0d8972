package org.screener.core.ops;

import org.screener.core.Backend;
import org.screener.core.BinaryOp;
import org.screener.core.ConvParams;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

import java.util.Arrays;

/** 3D convolution and transposed convolution (NCDHW), with backward. */
public final class Conv {
    private Conv() {}

    /** Cube shorthand: same stride and padding on every axis, dilation 1, groups 1. */
    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        return conv3d(x, w, bias, new int[]{stride, stride, stride}, new int[]{pad, pad, pad}, new int[]{1, 1, 1}, 1);
    }

    /**
     * x (N, Cin, D, H, W), w (Cout, Cin/groups, kD, kH, kW), bias (Cout) or null; stride, pad (symmetric zero
     * padding) and dilation per spatial axis. Output (N, Cout, D', H', W') as in PyTorch.
     */
    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] pad, int[] dilation, int groups) {
        String where = "conv3d(x " + Shape.str(x.shape()) + ", w " + Shape.str(w.shape())
                + (bias == null ? "" : ", bias " + Shape.str(bias.shape())) + ")";
        Backend be = backendOf(where, x, w, bias);
        checkAxes(where, stride, pad, dilation);
        if (x.rank() != 5) throw new IllegalArgumentException(where + ": x must be (N, C, D, H, W)");
        if (w.rank() != 5) throw new IllegalArgumentException(where + ": w must be (Cout, Cin/groups, kD, kH, kW)");
        int cin = x.dim(1), cout = w.dim(0);
        if (groups <= 0 || cin % groups != 0 || cout % groups != 0 || w.dim(1) * groups != cin)
            throw new IllegalArgumentException(where + ": with groups=" + groups + " w needs shape (Cout, " + cin
                    + "/" + groups + ", ...) with Cout divisible by groups");
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != cout))
            throw new IllegalArgumentException(where + ": bias must have shape [" + cout + "]");
        ConvParams p = params(where, x.dim(0), cin, cout, spatial(x), spatial(w), stride, pad, dilation, groups);
        Tensor y = Tensor.empty(be, p.outputShape());
        be.conv3dForward(p, x.storage(), w.storage(), bias == null ? null : bias.storage(), y.storage());
        return Autograd.record(y, "conv3d", new Tensor[]{x, w, bias}, g -> {
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                gx = Tensor.empty(be, x.shape());
                be.conv3dBackwardData(p, g.storage(), w.storage(), gx.storage());
            }
            boolean needB = bias != null && bias.requiresGrad();
            if (w.requiresGrad() || needB) {
                Tensor gwt = Tensor.empty(be, w.shape());
                if (needB) gb = Tensor.empty(be, cout);
                be.conv3dBackwardWeight(p, x.storage(), g.storage(), gwt.storage(), needB ? gb.storage() : null);
                if (w.requiresGrad()) gw = gwt;
            }
            return new Tensor[]{gx, gw, gb};
        });
    }

    /**
     * Transposed conv (the gradient of conv3d w.r.t. its input), PyTorch layout: x (N, Cin, D, H, W),
     * w (Cin, Cout, kD, kH, kW), bias (Cout) or null, groups 1. Output size per axis
     * (in - 1) * stride - 2 * pad + dilation * (k - 1) + outputPadding + 1; outputPadding must be smaller than
     * stride or dilation.
     */
    public static Tensor convTranspose3d(Tensor x, Tensor w, Tensor bias, int[] stride, int[] pad, int[] outputPadding,
                                         int[] dilation) {
        String where = "convTranspose3d(x " + Shape.str(x.shape()) + ", w " + Shape.str(w.shape())
                + (bias == null ? "" : ", bias " + Shape.str(bias.shape())) + ")";
        Backend be = backendOf(where, x, w, bias);
        checkAxes(where, stride, pad, dilation);
        if (outputPadding == null || outputPadding.length != 3)
            throw new IllegalArgumentException(where + ": outputPadding needs 3 entries, got " + Arrays.toString(outputPadding));
        if (x.rank() != 5) throw new IllegalArgumentException(where + ": x must be (N, Cin, D, H, W)");
        if (w.rank() != 5 || w.dim(0) != x.dim(1))
            throw new IllegalArgumentException(where + ": w must be (Cin=" + x.dim(1) + ", Cout, kD, kH, kW)");
        int cin = x.dim(1), cout = w.dim(1);
        if (bias != null && (bias.rank() != 1 || bias.dim(0) != cout))
            throw new IllegalArgumentException(where + ": bias must have shape [" + cout + "]");
        int[] in = spatial(x), k = spatial(w), outSize = new int[3];
        for (int a = 0; a < 3; a++) {
            if (outputPadding[a] < 0 || (outputPadding[a] >= stride[a] && outputPadding[a] >= dilation[a]))
                throw new IllegalArgumentException(where + ": outputPadding " + Arrays.toString(outputPadding)
                        + " must be smaller than stride " + Arrays.toString(stride) + " or dilation " + Arrays.toString(dilation));
            outSize[a] = (in[a] - 1) * stride[a] - 2 * pad[a] + dilation[a] * (k[a] - 1) + outputPadding[a] + 1;
            if (outSize[a] <= 0)
                throw new IllegalArgumentException(where + ": output size " + Arrays.toString(outSize) + " is not positive");
        }
        // the conv whose input gradient this is: from the output (Cout channels) back to x (Cin channels)
        ConvParams p = params(where, x.dim(0), cout, cin, outSize, k, stride, pad, dilation, 1);
        if (!Arrays.equals(p.out, in))
            throw new IllegalArgumentException(where + ": inconsistent geometry " + p);
        Tensor y = Tensor.empty(be, p.inputShape());
        be.conv3dBackwardData(p, x.storage(), w.storage(), y.storage());
        if (bias != null) {
            int[] bs = {1, cout, 1, 1, 1};
            be.binary(BinaryOp.ADD, y.storage(), y.shape(), bias.storage(), bs, y.storage(), y.shape());
        }
        return Autograd.record(y, "convTranspose3d", new Tensor[]{x, w, bias}, g -> {
            Tensor gx = null, gw = null, gb = null;
            if (x.requiresGrad()) {
                gx = Tensor.empty(be, x.shape());
                be.conv3dForward(p, g.storage(), w.storage(), null, gx.storage());
            }
            if (w.requiresGrad()) {
                gw = Tensor.empty(be, w.shape());
                // roles swapped: g plays the conv's input, x the conv's output gradient
                be.conv3dBackwardWeight(p, g.storage(), x.storage(), gw.storage(), null);
            }
            if (bias != null && bias.requiresGrad()) {
                int[] bs = {1, cout, 1, 1, 1};
                Tensor r = Tensor.empty(be, bs);
                be.reduceSum(g.storage(), g.shape(), r.storage(), bs);
                gb = Tensor.wrap(r.storage(), cout);
            }
            return new Tensor[]{gx, gw, gb};
        });
    }

    private static Backend backendOf(String where, Tensor x, Tensor w, Tensor bias) {
        if (x.backend() != w.backend() || (bias != null && bias.backend() != x.backend()))
            throw new IllegalArgumentException(where + ": operands live on different backends");
        return x.backend();
    }

    private static void checkAxes(String where, int[] stride, int[] pad, int[] dilation) {
        if (stride == null || pad == null || dilation == null || stride.length != 3 || pad.length != 3 || dilation.length != 3)
            throw new IllegalArgumentException(where + ": stride, pad and dilation need 3 entries each, got "
                    + Arrays.toString(stride) + ", " + Arrays.toString(pad) + ", " + Arrays.toString(dilation));
    }

    private static int[] spatial(Tensor t) { return new int[]{t.dim(2), t.dim(3), t.dim(4)}; }

    private static ConvParams params(String where, int n, int cin, int cout, int[] in, int[] k, int[] stride, int[] pad,
                                     int[] dilation, int groups) {
        try {
            return new ConvParams(n, cin, cout, in, k, stride, pad, dilation, groups);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }
}
