package org.screener.pipeline;

import org.screener.core.Tensor;

/**
 * Sin-cos encoding of the absolute voxel position in the preprocessed scan (the "sin-cos" row of the method
 * reference's Table 3). Per axis a ∈ (d, h, w) the position is normalised by the scan size,
 * p = (offset_a + i + 0.5) / size_a ∈ (0, 1), and frequency k ∈ [0, F) gives the channels
 * sin(π 2^k p) and cos(π 2^k p). Channel order: axis-major, then frequency, then (sin, cos): 6F channels.
 */
public final class SinCosPosition implements ConditionSource {
    private final int frequencies;

    public SinCosPosition(int frequencies) {
        if (frequencies < 1 || frequencies > 16)
            throw new IllegalArgumentException("SinCosPosition: frequencies " + frequencies + " must be in [1, 16]");
        this.frequencies = frequencies;
    }

    public int frequencies() { return frequencies; }

    /** Channel index of (axis, frequency, sin = 0 / cos = 1). */
    public int channel(int axis, int k, int cos) { return (axis * frequencies + k) * 2 + cos; }

    @Override public int channels() { return 6 * frequencies; }
    @Override public String name() { return "sincos"; }

    @Override public Tensor condition(Tensor crops, int[][] offsets, int[][] scanDims) {
        if (crops.rank() != 5 || offsets.length != crops.dim(0) || scanDims.length != crops.dim(0))
            throw new IllegalArgumentException("SinCosPosition: crops " + org.screener.core.Shape.str(crops.shape())
                    + " need one offset and scan size per crop, got " + offsets.length + " and " + scanDims.length);
        int n = crops.dim(0), c = channels();
        int[] s = {crops.dim(2), crops.dim(3), crops.dim(4)};
        int vox = s[0] * s[1] * s[2];
        float[] out = new float[n * c * vox];
        for (int b = 0; b < n; b++) {
            for (int axis = 0; axis < 3; axis++) {
                if (scanDims[b][axis] < 1)
                    throw new IllegalArgumentException("SinCosPosition: scan size " + java.util.Arrays.toString(scanDims[b]) + " must be positive");
                // the encoding of each index along this axis, then broadcast over the other two axes
                for (int k = 0; k < frequencies; k++) {
                    double f = Math.PI * (1 << k) / scanDims[b][axis];
                    int bs = (b * c + channel(axis, k, 0)) * vox, bc = (b * c + channel(axis, k, 1)) * vox;
                    for (int i = 0; i < s[axis]; i++) {
                        double a = f * (offsets[b][axis] + i + 0.5);
                        float sv = (float) Math.sin(a), cv = (float) Math.cos(a);
                        fillPlane(out, bs, s, axis, i, sv);
                        fillPlane(out, bc, s, axis, i, cv);
                    }
                }
            }
        }
        return Tensor.of(crops.backend(), out, n, c, s[0], s[1], s[2]);
    }

    /** Sets every voxel of the (D, H, W) block at {@code base} whose index along {@code axis} is {@code i}. */
    private static void fillPlane(float[] out, int base, int[] s, int axis, int i, float v) {
        for (int d = 0; d < s[0]; d++) {
            if (axis == 0 && d != i) continue;
            for (int h = 0; h < s[1]; h++) {
                if (axis == 1 && h != i) continue;
                int row = base + (d * s[1] + h) * s[2];
                if (axis == 2) out[row + i] = v;
                else java.util.Arrays.fill(out, row, row + s[2], v);
            }
        }
    }
}
