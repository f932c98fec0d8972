package org.screener.core.ops;

import org.screener.core.Backend;
import org.screener.core.ConvParams;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

import java.util.Arrays;

/** Pooling and resizing of NCDHW volumes. */
public final class Spatial {
    private Spatial() {}

    /** Average pooling (padded cells count as zeros, PyTorch's count_include_pad=True; floor output size). */
    public static Tensor avgPool3d(Tensor x, int[] kernel, int[] stride, int[] pad) {
        ConvParams p = poolParams("avgPool3d", x, kernel, stride, pad);
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, p.outputShape());
        be.avgPool3d(p, x.storage(), y.storage());
        return Autograd.record(y, "avgPool3d", new Tensor[]{x}, g -> {
            Tensor gx = Tensor.empty(be, p.inputShape());
            be.avgPool3dBackward(p, g.storage(), gx.storage());
            return new Tensor[]{gx};
        });
    }

    /** Max pooling; padded cells never win; the gradient goes to the first maximum of each window. */
    public static Tensor maxPool3d(Tensor x, int[] kernel, int[] stride, int[] pad) {
        ConvParams p = poolParams("maxPool3d", x, kernel, stride, pad);
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, p.outputShape());
        be.maxPool3d(p, x.storage(), y.storage());
        return Autograd.record(y, "maxPool3d", new Tensor[]{x}, g -> {
            Tensor gx = Tensor.empty(be, p.inputShape());
            be.maxPool3dBackward(p, x.storage(), g.storage(), gx.storage());
            return new Tensor[]{gx};
        });
    }

    private static ConvParams poolParams(String op, Tensor x, int[] kernel, int[] stride, int[] pad) {
        if (x.rank() != 5) throw new IllegalArgumentException(op + ": input must be (N,C,D,H,W), got " + Shape.str(x.shape()));
        if (kernel.length != 3 || stride.length != 3 || pad.length != 3)
            throw new IllegalArgumentException(op + ": kernel " + Arrays.toString(kernel) + ", stride " + Arrays.toString(stride)
                    + ", pad " + Arrays.toString(pad) + " must each have 3 entries (D, H, W)");
        for (int a = 0; a < 3; a++)
            if (kernel[a] <= 0 || stride[a] <= 0 || pad[a] < 0 || 2 * pad[a] > kernel[a])
                throw new IllegalArgumentException(op + ": bad kernel " + Arrays.toString(kernel) + " / stride "
                        + Arrays.toString(stride) + " / pad " + Arrays.toString(pad) + " (pad must be at most half the kernel)"
                        + " for input " + Shape.str(x.shape()));
        int[] s = x.shape();
        int[] in = {s[2], s[3], s[4]};
        for (int a = 0; a < 3; a++)
            if (in[a] + 2 * pad[a] < kernel[a])
                throw new IllegalArgumentException(op + ": input " + Shape.str(s) + " is smaller than the kernel "
                        + Arrays.toString(kernel) + " with padding " + Arrays.toString(pad));
        return new ConvParams(s[0], s[1], s[1], in, kernel, stride, pad, new int[]{1, 1, 1}, 1);
    }

    /** Nearest-neighbour resize of the spatial axes to outDHW: source index floor(o·in/out). */
    public static Tensor upsampleNearest(Tensor x, int[] outDHW) { return resize("upsampleNearest", false, x, outDHW); }

    /** Trilinear resize to outDHW with align_corners=false (PyTorch's default). */
    public static Tensor upsampleTrilinear(Tensor x, int[] outDHW) { return resize("upsampleTrilinear", true, x, outDHW); }

    public static Tensor upsampleNearest(Tensor x, int factor) { return upsampleNearest(x, scaled("upsampleNearest", x, factor)); }

    public static Tensor upsampleTrilinear(Tensor x, int factor) { return upsampleTrilinear(x, scaled("upsampleTrilinear", x, factor)); }

    private static int[] scaled(String op, Tensor x, int factor) {
        if (x.rank() != 5) throw new IllegalArgumentException(op + ": input must be (N,C,D,H,W), got " + Shape.str(x.shape()));
        if (factor <= 0) throw new IllegalArgumentException(op + ": scale factor must be positive, got " + factor);
        return new int[]{x.dim(2) * factor, x.dim(3) * factor, x.dim(4) * factor};
    }

    private static Tensor resize(String op, boolean tri, Tensor x, int[] outDHW) {
        int[] is = x.shape();
        if (is.length != 5) throw new IllegalArgumentException(op + ": input must be (N,C,D,H,W), got " + Shape.str(is));
        if (outDHW.length != 3 || outDHW[0] <= 0 || outDHW[1] <= 0 || outDHW[2] <= 0)
            throw new IllegalArgumentException(op + ": output size " + Arrays.toString(outDHW) + " must be 3 positive sizes"
                    + " (input " + Shape.str(is) + ")");
        if (is[2] <= 0 || is[3] <= 0 || is[4] <= 0)
            throw new IllegalArgumentException(op + ": empty input " + Shape.str(is));
        int[] os = {is[0], is[1], outDHW[0], outDHW[1], outDHW[2]};
        Backend be = x.backend();
        Tensor y = Tensor.empty(be, os);
        be.upsample(tri, x.storage(), is, y.storage(), os);
        return Autograd.record(y, op, new Tensor[]{x}, g -> {
            Tensor gx = Tensor.empty(be, is);
            be.upsampleBackward(tri, g.storage(), os, gx.storage(), is);
            return new Tensor[]{gx};
        });
    }
}
