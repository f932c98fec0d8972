package org.screener.pipeline.demo;

import org.screener.data.Volume;

/**
 * The plain intensity baseline of the demo report: the anomaly score of a voxel is the negative log of the
 * frequency of its HU value among the body voxels of the training scans (bins of {@value #BIN_HU} HU over
 * [{@value #MIN_HU}, {@value #MAX_HU}], values outside clamped, add-one smoothing). It is Screener with the
 * voxel intensity as the descriptor and no condition: it finds what is rare in HU, with no context.
 */
public final class IntensityBaseline {
    static final int MIN_HU = -1024, MAX_HU = 2000, BIN_HU = 5;
    private static final int BINS = (MAX_HU - MIN_HU) / BIN_HU + 1;
    private final long[] counts = new long[BINS];
    private long total;

    static int bin(float hu) {
        float h = Math.max(MIN_HU, Math.min(MAX_HU, hu));
        return (int) ((h - MIN_HU) / BIN_HU);
    }

    /** Adds the voxels of {@code scan} where {@code roi} is true. */
    public void add(Volume scan, boolean[] roi) {
        float[] v = scan.floats();
        for (int i = 0; i < v.length; i++)
            if (roi[i]) { counts[bin(v[i])]++; total++; }
    }

    /** −log p(HU) of every voxel of {@code scan} (nats). */
    public float[] score(Volume scan) {
        if (total == 0) throw new IllegalStateException("IntensityBaseline: no training voxels added");
        float[] nll = new float[BINS];
        double norm = total + BINS;
        for (int b = 0; b < BINS; b++) nll[b] = (float) -Math.log((counts[b] + 1) / norm);
        float[] v = scan.floats(), out = new float[v.length];
        for (int i = 0; i < v.length; i++) out[i] = nll[bin(v[i])];
        return out;
    }
}
