package org.screener.nn.infer;

import org.screener.core.Tensor;

/**
 * The network applied to each window of {@link SlidingWindow}.
 * <p>
 * {@code patches} has shape (B, 1, pd, ph, pw); {@code offsets[b]} is the (d, h, w) position of patch b's first
 * voxel in the input volume's coordinates (negative along an axis where the volume was smaller than the patch
 * and got padded). The result must be (B, C, pd, ph, pw) at full patch resolution; with B = 1 a
 * (C, pd, ph, pw) map is accepted too. C must be the same for every call.
 */
@FunctionalInterface
public interface PatchFunction {
    Tensor apply(Tensor patches, int[][] offsets);
}
