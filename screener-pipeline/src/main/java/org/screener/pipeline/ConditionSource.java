package org.screener.pipeline;

import org.screener.core.Tensor;

/**
 * The condition of the density model (method reference §4, Table 3): given image crops and where they sit in
 * their preprocessed scans, a condition map at full crop resolution. The density stage average-pools it like
 * the descriptors. Implementations: {@link NoCondition}, {@link SinCosPosition}; the learned condition model
 * plugs in here too.
 */
public interface ConditionSource {
    /** Channels of the map; 0 means no condition ({@link #condition} then returns null). */
    int channels();

    /**
     * @param crops    (N, 1, D, H, W) preprocessed intensities
     * @param offsets  offsets[n] = (d, h, w) of crop n's first voxel in its scan (may be negative where padded)
     * @param scanDims scanDims[n] = (D, H, W) of crop n's scan
     * @return (N, channels, D, H, W), or null when {@link #channels()} is 0
     */
    Tensor condition(Tensor crops, int[][] offsets, int[][] scanDims);

    /** The name recorded in config.json ("none", "sincos", ...). */
    String name();
}
