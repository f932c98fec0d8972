package org.screener.pipeline;

import java.util.Arrays;

/**
 * Training settings of the density stage (method reference §4.1–4.3). Plain fields so it serialises to JSON
 * as is. {@link #paper()} has the paper's values; {@link #cpuSmall()} trains in minutes on two cores.
 */
public final class DensityConfig {
    public static final String GAUSSIAN = "gaussian", FLOW = "flow", NONE = "none", SINCOS = "sincos", LEARNED = "learned";

    public String preset;
    /** "gaussian" (marginal without a condition, else conditional) or "flow" (Glow / conditional Glow). */
    public String kind;
    /** "none" or "sincos". */
    public String condition;
    /** Frequencies per axis of the sin-cos condition (6 × this channels). */
    public int sincosFrequencies;
    /** Crop size (x, y, z), i.e. the tensor (D, H, W) = (z, y, x). */
    public int[] cropSize;
    /** Average-pooling stride (x, y, z), kernel = stride. */
    public int[] poolStride;
    public int cropsPerBatch;
    /** σ of the Gaussian noise added to the pooled descriptors and conditions during training. */
    public double noiseStd;
    /** Hidden width of the conditional Gaussian's conv net. */
    public int gaussianHidden;
    public int flowSteps, flowHidden;
    public long steps;
    public double lr, eps, weightDecay, warmupFraction, clipNorm;
    public long checkpointEvery;
    /**
     * Train on crops of pooled descriptor and condition maps computed once per training volume ({@link FeatureCache})
     * instead of running the frozen UNets on every batch. Null (configs written before this option) means false.
     */
    public Boolean cacheFeatures;
    /**
     * With cacheFeatures: the size (x, y, z) in pooled positions of each training crop; null means cropSize / poolStride.
     * Lets a fine pooling keep the positions per step (and so the step's cost) of a coarse one, since the crop no
     * longer has to be the prediction window.
     */
    public int[] cachedCrop;

    public DensityConfig() {}

    /** The paper's density: crops 96×96×64 pooled 3×3×2, m = 4, σ = 0.1, Glow 64 × 512, 500k steps. */
    public static DensityConfig paper() {
        DensityConfig c = new DensityConfig();
        c.preset = "paper";
        c.kind = FLOW;
        c.condition = NONE;
        c.sincosFrequencies = 4;
        c.cropSize = new int[]{96, 96, 64};
        c.poolStride = new int[]{3, 3, 2};
        c.cropsPerBatch = 4;
        c.noiseStd = 0.1;
        c.gaussianHidden = 128;
        c.flowSteps = 64;
        c.flowHidden = 512;
        c.steps = 500_000;
        c.lr = 3e-4;
        c.eps = 1e-3;
        c.weightDecay = 1e-6;
        c.warmupFraction = 0.02;
        c.clipNorm = 1.0;
        c.checkpointEvery = 1000;
        c.cacheFeatures = false;   // the paper's cohorts do not fit in memory; its densities see fresh crops
        return c;
    }

    /** Two cores: crops 32³ (pooled 10×10×16), m = 2, Glow 8 × 64, 200 steps at a higher learning rate. */
    public static DensityConfig cpuSmall() {
        DensityConfig c = paper();
        c.preset = "cpu-small";
        c.cropSize = new int[]{32, 32, 32};
        c.cropsPerBatch = 2;
        c.gaussianHidden = 32;
        c.flowSteps = 8;
        c.flowHidden = 64;
        c.steps = 200;
        c.lr = 1e-3;
        c.warmupFraction = 0.1;
        c.checkpointEvery = 50;
        c.cacheFeatures = true;
        return c;
    }

    public static DensityConfig preset(String name) {
        switch (name) {
            case "paper": return paper();
            case "cpu-small": return cpuSmall();
            default: throw new IllegalArgumentException("DensityConfig: unknown preset '" + name + "' (paper, cpu-small)");
        }
    }

    public boolean cachesFeatures() { return Boolean.TRUE.equals(cacheFeatures); }

    /** The cached path's training crop in pooled positions as tensor axes (D, H, W). */
    public int[] cachedCropDHW() {
        if (cachedCrop != null) return new int[]{cachedCrop[2], cachedCrop[1], cachedCrop[0]};
        int[] c = cropDHW(), p = poolDHW();
        return new int[]{c[0] / p[0], c[1] / p[1], c[2] / p[2]};
    }

    /** Crop size as tensor axes (D, H, W). */
    public int[] cropDHW() { return new int[]{cropSize[2], cropSize[1], cropSize[0]}; }

    /** Pooling stride (= kernel) as tensor axes (D, H, W). */
    public int[] poolDHW() { return new int[]{poolStride[2], poolStride[1], poolStride[0]}; }

    /** The condition source this config names; "learned" loads the model dir's condition UNet. */
    public ConditionSource conditionSource(ModelDir dir, org.screener.core.Backend be) throws java.io.IOException {
        switch (condition) {
            case NONE: return NoCondition.INSTANCE;
            case SINCOS: return new SinCosPosition(sincosFrequencies);
            case LEARNED: return LearnedCondition.load(dir, be);
            default: throw new IllegalArgumentException("DensityConfig: unknown condition '" + condition + "' (none, sincos, learned)");
        }
    }

    public DensityConfig validate() {
        if (!GAUSSIAN.equals(kind) && !FLOW.equals(kind))
            throw new IllegalArgumentException("DensityConfig: kind '" + kind + "' must be gaussian or flow");
        if (!NONE.equals(condition) && !SINCOS.equals(condition) && !LEARNED.equals(condition))
            throw new IllegalArgumentException("DensityConfig: condition '" + condition + "' must be none, sincos or learned");
        if (cropSize == null || cropSize.length != 3 || poolStride == null || poolStride.length != 3)
            throw new IllegalArgumentException("DensityConfig: cropSize " + Arrays.toString(cropSize) + " and poolStride "
                    + Arrays.toString(poolStride) + " must have 3 axes");
        for (int a = 0; a < 3; a++)
            if (poolStride[a] < 1 || cropSize[a] / poolStride[a] < 4)
                throw new IllegalArgumentException("DensityConfig: cropSize " + Arrays.toString(cropSize) + " pooled with stride "
                        + Arrays.toString(poolStride) + " must give at least 4 positions per axis");
        if (cachedCrop != null && (cachedCrop.length != 3 || cachedCrop[0] < 1 || cachedCrop[1] < 1 || cachedCrop[2] < 1))
            throw new IllegalArgumentException("DensityConfig: cachedCrop " + Arrays.toString(cachedCrop) + " must be 3 positive sizes");
        if (SINCOS.equals(condition) && (sincosFrequencies < 1 || sincosFrequencies > 16))
            throw new IllegalArgumentException("DensityConfig: sincosFrequencies " + sincosFrequencies + " must be in [1, 16]");
        if (cropsPerBatch < 1 || !(noiseStd >= 0) || gaussianHidden < 1 || flowSteps < 1 || flowHidden < 1)
            throw new IllegalArgumentException("DensityConfig: cropsPerBatch " + cropsPerBatch + ", noiseStd " + noiseStd
                    + ", gaussianHidden " + gaussianHidden + ", flowSteps " + flowSteps + ", flowHidden " + flowHidden);
        if (steps < 2) throw new IllegalArgumentException("DensityConfig: steps " + steps + " must be >= 2");
        if (!(lr > 0) || !(eps > 0) || !(weightDecay >= 0) || !(warmupFraction > 0 && warmupFraction < 1) || !(clipNorm >= 0))
            throw new IllegalArgumentException("DensityConfig: lr " + lr + ", eps " + eps + ", weightDecay " + weightDecay
                    + ", warmupFraction " + warmupFraction + " (in (0, 1)), clipNorm " + clipNorm);
        if (checkpointEvery < 1) throw new IllegalArgumentException("DensityConfig: checkpointEvery " + checkpointEvery + " must be >= 1");
        return this;
    }
}
