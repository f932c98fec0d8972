package org.screener.pipeline;

import org.screener.data.sampling.CropPairConfig;
import org.screener.nn.unet.UNet3dConfig;

import java.util.Arrays;

/**
 * Training settings of the descriptor model (method reference §2.3, §3.2). Plain fields so it serialises to
 * JSON as is. {@link #paper()} has the paper's values; {@link #cpuSmall()} trains in minutes on two cores.
 */
public final class DescriptorConfig {
    /** Name of the preset this config started from (informational). */
    public String preset;
    public UNet3dConfig unet;
    /** Crop size (x, y, z) of each view, i.e. the tensor (D, H, W) = (z, y, x). */
    public int[] cropSize;
    /**
     * Range (x, y, z, mm) of the spacing each crop is resampled to (a scale augmentation); null: the sampler's
     * defaults, 1..2 × 1..2 × 1.5..3 mm around the preprocessing's 1.5 × 1.5 × 2.25 mm.
     */
    public double[] minSpacing, maxSpacing;
    /** Voxel correspondences sampled per crop pair (n) and crop pairs per batch (m). */
    public int voxelsPerPair, pairsPerBatch;
    public static final String VICREG = "vicreg", INFONCE = "infonce";
    /** "vicreg" (DenseVICReg with an expander; null, as in configs written before the option) or "infonce" (DenseInfoNCE with a projector). */
    public String objective;
    /** Width of the VICReg expander, or the hidden width of the InfoNCE projector (multiple of 32). */
    public int expanderWidth;
    /** Brightness / contrast / gamma / noise / blur augmentation of the crops; null: on, as in the paper. */
    public Boolean colorAugment;
    public long steps;
    /** AdamW (β = 0.9, 0.999) and a one-cycle schedule whose first warmupFraction is a cosine warm-up. */
    public double lr, eps, weightDecay, warmupFraction;
    public double clipNorm;
    public long checkpointEvery;

    public DescriptorConfig() {}

    /** The paper's descriptor: UNet "base", crops 96×96×64, m = 8, n = 1024, expander 8192, 300k steps. */
    public static DescriptorConfig paper() {
        DescriptorConfig c = new DescriptorConfig();
        c.preset = "paper";
        c.unet = UNet3dConfig.paper();
        c.cropSize = new int[]{96, 96, 64};
        c.voxelsPerPair = 1024;
        c.pairsPerBatch = 8;
        c.expanderWidth = 8192;
        c.steps = 300_000;
        c.lr = 3e-4;
        c.eps = 1e-3;
        c.weightDecay = 1e-6;
        c.warmupFraction = 0.1;
        c.clipNorm = 1.0;
        c.checkpointEvery = 1000;
        return c;
    }

    /** Small enough for two CPU cores: UNet cpu-small, crops 32³, m = 2, n = 256, expander 256, 300 steps. */
    public static DescriptorConfig cpuSmall() {
        DescriptorConfig c = paper();
        c.preset = "cpu-small";
        c.unet = UNet3dConfig.cpuSmall();
        c.cropSize = new int[]{32, 32, 32};
        c.voxelsPerPair = 256;
        c.pairsPerBatch = 2;
        c.expanderWidth = 256;
        c.steps = 300;
        c.checkpointEvery = 50;
        return c;
    }

    /** "paper" or "cpu-small". */
    public static DescriptorConfig preset(String name) {
        switch (name) {
            case "paper": return paper();
            case "cpu-small": return cpuSmall();
            default: throw new IllegalArgumentException("DescriptorConfig: unknown preset '" + name + "' (paper, cpu-small)");
        }
    }

    /** The crop-pair sampler settings: the descriptor defaults (no masking) with this crop size and n. */
    public CropPairConfig cropPairConfig() {
        CropPairConfig c = CropPairConfig.descriptor();
        c.cropSize = cropSize.clone();
        c.nVoxels = voxelsPerPair;
        if (colorAugment != null) c.colorAugment = colorAugment;
        if (minSpacing != null) c.minSpacing = minSpacing.clone();
        if (maxSpacing != null) c.maxSpacing = maxSpacing.clone();
        c.validate();
        return c;
    }

    /** The SSL objective, "vicreg" when unset. */
    public String objective() { return objective == null ? VICREG : objective; }

    public static void checkObjective(String objective, String who) {
        if (objective != null && !VICREG.equals(objective) && !INFONCE.equals(objective))
            throw new IllegalArgumentException(who + ": objective '" + objective + "' must be vicreg or infonce");
    }

    public DescriptorConfig validate() {
        if (unet == null) throw new IllegalArgumentException("DescriptorConfig: no unet config");
        checkObjective(objective, "DescriptorConfig");
        unet.validate();
        if (cropSize == null || cropSize.length != 3)
            throw new IllegalArgumentException("DescriptorConfig: cropSize " + Arrays.toString(cropSize) + " must have 3 axes");
        for (int s : cropSize)
            if (s < unet.minInputSize())
                throw new IllegalArgumentException("DescriptorConfig: cropSize " + Arrays.toString(cropSize)
                        + " has an axis below the UNet's minimum input size " + unet.minInputSize());
        if (voxelsPerPair < 1 || pairsPerBatch < 1 || (long) voxelsPerPair * pairsPerBatch < 2)
            throw new IllegalArgumentException("DescriptorConfig: voxelsPerPair " + voxelsPerPair + " and pairsPerBatch "
                    + pairsPerBatch + " must be >= 1 and give at least 2 voxel pairs");
        if (expanderWidth < 32 || expanderWidth % 32 != 0)
            throw new IllegalArgumentException("DescriptorConfig: expanderWidth " + expanderWidth + " must be a positive multiple of 32");
        if ((minSpacing != null && minSpacing.length != 3) || (maxSpacing != null && maxSpacing.length != 3))
            throw new IllegalArgumentException("DescriptorConfig: minSpacing " + Arrays.toString(minSpacing) + " and maxSpacing "
                    + Arrays.toString(maxSpacing) + " must have 3 axes");
        if (steps < 2) throw new IllegalArgumentException("DescriptorConfig: steps " + steps + " must be >= 2");
        if (!(lr > 0) || !(eps > 0) || !(weightDecay >= 0) || !(warmupFraction > 0 && warmupFraction < 1) || !(clipNorm >= 0))
            throw new IllegalArgumentException("DescriptorConfig: lr " + lr + ", eps " + eps + ", weightDecay " + weightDecay
                    + ", warmupFraction " + warmupFraction + " (in (0, 1)), clipNorm " + clipNorm);
        if (checkpointEvery < 1) throw new IllegalArgumentException("DescriptorConfig: checkpointEvery " + checkpointEvery + " must be >= 1");
        cropPairConfig();
        return this;
    }
}
