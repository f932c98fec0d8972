package org.screener.data.preprocess;

import java.util.Arrays;
import java.util.Locale;

/**
 * Settings of the Screener preprocessing (method doc §7). Defaults are the paper's: body crop at −500 HU with
 * ~5 mm blocks, 1.5 × 1.5 × 2.25 mm spacing, HU window [−1000, 300] → [0, 1], 3D CLAHE with clip limit 0.05.
 * Mutable for convenience; {@link #fingerprint()} names every field so cached results follow changes.
 */
public final class PreprocessConfig {
    public boolean bodyCrop = true;
    public double bodyThresholdHu = -500;
    /** Edge of the blocks (mm) over which the body mask is min-reduced; ceil(mm / spacing) voxels per axis. */
    public double bodyBlockMm = 5.0;
    /** Target spacing (x, y, z) in mm; null keeps the source spacing. */
    public double[] targetSpacing = {1.5, 1.5, 2.25};
    public double huMin = -1000, huMax = 300;
    public boolean clahe = true;
    public double claheClipLimit = 0.05;
    public int claheBins = 256;
    /** CLAHE kernel = max(1, dim * fraction) per axis (skimage default: dim // 8). */
    public double claheKernelFraction = 1.0 / 8;
    /** Store cached volumes as float16 (as the reference code does) instead of float32. */
    public boolean cacheHalf = true;

    public static PreprocessConfig defaults() { return new PreprocessConfig(); }

    public PreprocessConfig copy() {
        PreprocessConfig c = new PreprocessConfig();
        c.bodyCrop = bodyCrop; c.bodyThresholdHu = bodyThresholdHu; c.bodyBlockMm = bodyBlockMm;
        c.targetSpacing = targetSpacing == null ? null : targetSpacing.clone();
        c.huMin = huMin; c.huMax = huMax; c.clahe = clahe; c.claheClipLimit = claheClipLimit;
        c.claheBins = claheBins; c.claheKernelFraction = claheKernelFraction; c.cacheHalf = cacheHalf;
        return c;
    }

    public void validate() {
        if (targetSpacing != null) {
            if (targetSpacing.length != 3) throw new IllegalArgumentException("PreprocessConfig.targetSpacing needs 3 entries, got " + targetSpacing.length);
            for (double s : targetSpacing) if (!(s > 0)) throw new IllegalArgumentException("PreprocessConfig.targetSpacing must be positive: " + Arrays.toString(targetSpacing));
        }
        if (!(huMax > huMin)) throw new IllegalArgumentException("PreprocessConfig: huMax " + huMax + " must exceed huMin " + huMin);
        if (!(bodyBlockMm > 0)) throw new IllegalArgumentException("PreprocessConfig.bodyBlockMm must be positive: " + bodyBlockMm);
        if (claheBins < 2) throw new IllegalArgumentException("PreprocessConfig.claheBins must be >= 2: " + claheBins);
        if (!(claheKernelFraction > 0 && claheKernelFraction <= 1)) throw new IllegalArgumentException("PreprocessConfig.claheKernelFraction must be in (0, 1]: " + claheKernelFraction);
    }

    /** Stable text naming every setting that changes the output; part of the cache key. */
    public String fingerprint() {
        return String.format(Locale.ROOT, "body=%b,%s,%s;spacing=%s;hu=%s,%s;clahe=%b,%s,%d,%s;half=%b",
                bodyCrop, bodyThresholdHu, bodyBlockMm, Arrays.toString(targetSpacing), huMin, huMax,
                clahe, claheClipLimit, claheBins, claheKernelFraction, cacheHalf);
    }

    @Override public String toString() { return "PreprocessConfig[" + fingerprint() + "]"; }
}
