package org.screener.data.sampling;

/**
 * Two augmented views of one volume. Views and masks are float arrays of the crop size (x fastest, i.e. a
 * (D, H, W) tensor); {@code idx1[i]} and {@code idx2[i]} are flat voxel indices into view 1 and view 2 that
 * show the same world point (up to the resize rounding). Masks are 1 = visible, 0 = masked (not applied to
 * the views). {@link Geometry} records how the crops were cut, for tests and debugging.
 */
public record CropPair(float[] view1, float[] view2, int[] idx1, int[] idx2, float[] mask1, float[] mask2, Geometry geometry) {

    /**
     * Crop boxes [lo, lo + size) and the overlap box [ovLo, ovHi) in the coordinates of the flipped / rotated
     * volume ({@code transform}); {@code points} are the sampled positions there, (x, y, z) per point.
     */
    public record Geometry(AxisTransform transform, int[] lo1, int[] size1, int[] lo2, int[] size2,
                           int[] ovLo, int[] ovHi, double[] spacing1, double[] spacing2, int[] points) {}
}
