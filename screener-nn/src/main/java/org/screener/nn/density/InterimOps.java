package org.screener.nn.density;

import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Shapes;

/**
 * Conv.conv3d of OPS_API.md, not yet in main when the density code was written, built here from ops that are
 * (pad, permute, crop, concat, matmul), so it is differentiable through their backwards. Once Conv.conv3d is in
 * main, ConditionalGaussian switches to it and this class goes. Covers what ConditionalGaussian needs: stride 1,
 * groups 1, cube kernels.
 */
public final class InterimOps {
    private InterimOps() {}

    /** Stride-1 3D convolution with zero padding pad, cube kernel, groups 1 (im2col + one matmul). */
    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        if (stride != 1) throw new IllegalArgumentException("conv3d (interim): only stride 1, got " + stride);
        if (x.rank() != 5 || w.rank() != 5 || w.dim(1) != x.dim(1) || w.dim(2) != w.dim(3) || w.dim(2) != w.dim(4))
            throw new IllegalArgumentException("conv3d: x " + Shape.str(x.shape()) + " and w " + Shape.str(w.shape()));
        int n = x.dim(0), cin = x.dim(1), cout = w.dim(0), k = w.dim(2);
        int od = x.dim(2) + 2 * pad - k + 1, oh = x.dim(3) + 2 * pad - k + 1, ow = x.dim(4) + 2 * pad - k + 1;
        if (od < 1 || oh < 1 || ow < 1)
            throw new IllegalArgumentException("conv3d: kernel " + k + " larger than padded input " + Shape.str(x.shape()));
        Tensor xt = Shapes.permute(pad > 0 ? Shapes.pad(x, new int[]{0, 0, pad, pad, pad}, new int[]{0, 0, pad, pad, pad}) : x,
                0, 2, 3, 4, 1);
        int m = n * od * oh * ow;
        Tensor[] taps = new Tensor[k * k * k];
        int t = 0;
        for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
                for (int c = 0; c < k; c++)
                    taps[t++] = Shapes.reshape(Shapes.crop(xt, new int[]{0, a, b, c, 0}, new int[]{n, od, oh, ow, cin}), m, cin);
        Tensor cols = taps.length == 1 ? taps[0] : Shapes.concat(1, taps);
        // w (Cout, Cin, k, k, k) -> (Cout, k^3 * Cin) matching the tap-major column order
        Tensor wm = Shapes.reshape(Shapes.permute(Shapes.reshape(w, cout, cin, k * k * k), 0, 2, 1), cout, k * k * k * cin);
        Tensor y = Linalg.matmul(cols, wm, false, true);
        if (bias != null) y = y.add(Shapes.reshape(bias, 1, cout));
        return Shapes.permute(Shapes.reshape(y, n, od, oh, ow, cout), 0, 4, 1, 2, 3);
    }
}
