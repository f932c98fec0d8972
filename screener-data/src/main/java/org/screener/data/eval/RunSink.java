package org.screener.data.eval;

/**
 * Receives a score distribution as runs of equal score, in strictly decreasing score order: at score
 * {@code value} there are {@code negatives} normal voxels and {@code positives} lesion voxels, and the lesion
 * voxels carry {@code regionWeight} = the sum of 1/|region| over them (for per-region overlap).
 */
@FunctionalInterface
public interface RunSink {
    void accept(float value, long negatives, long positives, double regionWeight);
}
