package org.screener.data.sampling;

import java.util.Arrays;

/**
 * Settings of the dense-SSL crop-pair sampler (method doc §2.5, §3.2). Axes are (x, y, z); a crop of
 * {@code cropSize} = (96, 96, 64) is the tensor (D, H, W) = (64, 96, 96). {@link #descriptor()} gives the
 * descriptor model's defaults (no masking), {@link #condition()} those of the masked condition model.
 */
public final class CropPairConfig {
    public int[] cropSize = {96, 96, 64};
    /** Per-view target spacing, uniform per axis in [min, max] mm, capped so the crop fits the volume. */
    public double[] minSpacing = {1, 1, 1.5}, maxSpacing = {2, 2, 3};
    /** Per-axis overlap as a fraction of the smaller crop, uniform in [min, max]. */
    public double minOverlap = 0.25, maxOverlap = 1.0;
    /** Voxel positions sampled in the overlap per crop pair. */
    public int nVoxels = 1024;
    public double flipProb = 0.5;
    public boolean rotate90 = true;

    public double blurSharpenProb = 0.8, blurSigmaMaxMm = 1.5, sharpenAlphaMax = 2.0;
    public double noiseProb = 0.8, noiseStdMax = 0.1;
    public double brightnessProb = 0.8, brightnessMin = 0.8, brightnessMax = 1.2;
    public double contrastProb = 0.8, contrastMin = 0.8, contrastMax = 1.2;
    public double gammaProb = 0.8, gammaMin = 0.8, gammaMax = 1.25;
    /** Master switch for the colour augmentations (off for geometric tests). */
    public boolean colorAugment = true;

    /** Block masking: each view independently, with probability maskProb, zeroes floor(ratio · #blocks) blocks. */
    public double maskProb = 0.0, maskRatio = 0.6;
    public int[] maskBlock = {24, 24, 16};

    /** Descriptor model (dev "screener" config): spacing [1,1,1.5]–[2,2,3] mm, no masking. */
    public static CropPairConfig descriptor() { return new CropPairConfig(); }

    /** Condition model (dev config): spacing up to [4,4,6] mm, masking p = 0.9, ratio 0.6, blocks 24×24×16. */
    public static CropPairConfig condition() {
        CropPairConfig c = new CropPairConfig();
        c.maxSpacing = new double[]{4, 4, 6};
        c.maskProb = 0.9;
        return c;
    }

    public int cropVoxels() { return cropSize[0] * cropSize[1] * cropSize[2]; }

    public void validate() {
        String me = "CropPairConfig";
        if (cropSize.length != 3 || minSpacing.length != 3 || maxSpacing.length != 3 || maskBlock.length != 3)
            throw new IllegalArgumentException(me + ": cropSize, minSpacing, maxSpacing and maskBlock need 3 entries");
        for (int a = 0; a < 3; a++) {
            if (cropSize[a] < 1) throw new IllegalArgumentException(me + ": bad cropSize " + Arrays.toString(cropSize));
            if (!(minSpacing[a] > 0 && maxSpacing[a] >= minSpacing[a]))
                throw new IllegalArgumentException(me + ": spacing range " + Arrays.toString(minSpacing) + ".." + Arrays.toString(maxSpacing));
            if (maskProb > 0 && (maskBlock[a] < 1 || cropSize[a] % maskBlock[a] != 0))
                throw new IllegalArgumentException(me + ": cropSize " + Arrays.toString(cropSize) + " must be a multiple of maskBlock " + Arrays.toString(maskBlock));
        }
        if (!(minOverlap > 0 && maxOverlap <= 1 && minOverlap <= maxOverlap))
            throw new IllegalArgumentException(me + ": overlap range must satisfy 0 < min <= max <= 1, got " + minOverlap + ".." + maxOverlap);
        if (nVoxels < 1) throw new IllegalArgumentException(me + ": nVoxels must be >= 1, got " + nVoxels);
        if (!(maskRatio >= 0 && maskRatio <= 1)) throw new IllegalArgumentException(me + ": maskRatio must be in [0, 1], got " + maskRatio);
    }
}
