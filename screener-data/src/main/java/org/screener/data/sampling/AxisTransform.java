package org.screener.data.sampling;

/**
 * A random flip / axial 90° rotation of a volume, applied virtually: transformed axis a reads source axis
 * {@code axis[a]}, reversed when {@code flip[a]}. Built as "flip each axis, then rotate k times in the x-y
 * plane", one rotation being T'(a, b, c) = T(n_x − 1 − b, a, c).
 */
public final class AxisTransform {
    public final boolean[] flips;
    public final int k;
    final int[] axis = {0, 1, 2};
    final boolean[] flip = new boolean[3];
    final int[] srcDims;

    public AxisTransform(int[] srcDims, boolean fx, boolean fy, boolean fz, int k) {
        this.srcDims = srcDims.clone();
        this.flips = new boolean[]{fx, fy, fz};
        this.k = Math.floorMod(k, 4);
        flip[0] = fx; flip[1] = fy; flip[2] = fz;
        for (int r = 0; r < this.k; r++) {
            int a0 = axis[0], a1 = axis[1];
            boolean f0 = flip[0], f1 = flip[1];
            axis[0] = a1; flip[0] = f1;
            axis[1] = a0; flip[1] = !f0;
        }
    }

    /** Size of transformed axis a. */
    public int dim(int a) { return srcDims[axis[a]]; }

    public int[] dims() { return new int[]{dim(0), dim(1), dim(2)}; }

    /** Spacing of the transformed volume. */
    public double[] spacing(double[] srcSpacing) {
        return new double[]{srcSpacing[axis[0]], srcSpacing[axis[1]], srcSpacing[axis[2]]};
    }

    /** Source voxel coordinates of transformed (continuous) coordinates. */
    public double[] toSource(double[] t) {
        double[] s = new double[3];
        for (int a = 0; a < 3; a++) s[axis[a]] = flip[a] ? srcDims[axis[a]] - 1 - t[a] : t[a];
        return s;
    }
}
