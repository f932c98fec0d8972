package org.screener.pipeline;

import org.screener.data.sampling.CropPairConfig;
import org.screener.nn.unet.UNet3dConfig;

import java.util.Arrays;

/**
 * Training settings of the condition model (method reference §3): the descriptor's network and objective,
 * trained on block-masked views; the UNet takes 2 input channels (masked image, mask). Plain fields so it
 * serialises to JSON as is. {@link #paper()} has the dev config's values; {@link #cpuSmall()} trains in minutes
 * on two cores.
 */
public final class ConditionConfig {
    /** Name of the preset this config started from (informational). */
    public String preset;
    /** inChannels must be 2; outChannels is the condition dimension d_cond. */
    public UNet3dConfig unet;
    /** Crop size (x, y, z) of each view; a multiple of maskBlock on every axis. */
    public int[] cropSize;
    public int voxelsPerPair, pairsPerBatch;
    /** As {@link DescriptorConfig#objective}: "vicreg" (null) or "infonce". */
    public String objective;
    public int expanderWidth;
    /** Brightness / contrast / gamma / noise / blur augmentation of the crops; null: on, as in the paper. */
    public Boolean colorAugment;
    /** Upper end of the per-view target spacing (x, y, z) in mm; the lower end is the descriptor's. */
    public double[] maxSpacing;
    /** Smallest crop spacing (x, y, z, mm); null: the sampler's default 1 × 1 × 1.5 mm. */
    public double[] minSpacing;
    /** Each view is masked with probability maskProb: floor(maskRatio · #blocks) blocks of maskBlock voxels zeroed. */
    public double maskProb, maskRatio;
    public int[] maskBlock;
    public long steps;
    public double lr, eps, weightDecay, warmupFraction;
    public double clipNorm;
    public long checkpointEvery;

    public ConditionConfig() {}

    /**
     * Dev "pretrain_screener" config (method reference §3.2) on the paper's descriptor settings: UNet "base"
     * with 2 input channels and d_cond = 32 (not stated in the paper), crops 96×96×64, spacing up to 4×4×6 mm,
     * masking p 0.9, ratio 0.6, blocks 24×24×16.
     */
    public static ConditionConfig paper() {
        return from(DescriptorConfig.paper(), 32, new int[]{24, 24, 16});
    }

    /** cpu-small descriptor settings, d_cond = 8, blocks 8×8×8 (4×4×4 blocks per 32³ crop, as in the paper). */
    public static ConditionConfig cpuSmall() {
        return from(DescriptorConfig.cpuSmall(), 8, new int[]{8, 8, 8});
    }

    private static ConditionConfig from(DescriptorConfig d, int dCond, int[] block) {
        CropPairConfig cp = CropPairConfig.condition();
        ConditionConfig c = new ConditionConfig();
        c.preset = d.preset;
        c.unet = d.unet.withInChannels(2).withOutChannels(dCond);
        c.cropSize = d.cropSize.clone();
        c.voxelsPerPair = d.voxelsPerPair;
        c.pairsPerBatch = d.pairsPerBatch;
        c.expanderWidth = d.expanderWidth;
        c.objective = d.objective;
        c.maxSpacing = cp.maxSpacing.clone();
        c.maskProb = cp.maskProb;
        c.maskRatio = cp.maskRatio;
        c.maskBlock = block;
        c.steps = d.steps;
        c.lr = d.lr;
        c.eps = d.eps;
        c.weightDecay = d.weightDecay;
        c.warmupFraction = d.warmupFraction;
        c.clipNorm = d.clipNorm;
        c.checkpointEvery = d.checkpointEvery;
        return c;
    }

    /** "paper" or "cpu-small". */
    public static ConditionConfig preset(String name) {
        switch (name) {
            case "paper": return paper();
            case "cpu-small": return cpuSmall();
            default: throw new IllegalArgumentException("ConditionConfig: unknown preset '" + name + "' (paper, cpu-small)");
        }
    }

    /** The crop-pair sampler settings: the condition defaults with this crop size, n, spacing and masking. */
    public CropPairConfig cropPairConfig() {
        CropPairConfig c = CropPairConfig.condition();
        c.cropSize = cropSize.clone();
        c.nVoxels = voxelsPerPair;
        if (colorAugment != null) c.colorAugment = colorAugment;
        c.maxSpacing = maxSpacing.clone();
        if (minSpacing != null) c.minSpacing = minSpacing.clone();
        c.maskProb = maskProb;
        c.maskRatio = maskRatio;
        c.maskBlock = maskBlock.clone();
        c.validate();
        return c;
    }

    /** The SSL objective, "vicreg" when unset. */
    public String objective() { return objective == null ? DescriptorConfig.VICREG : objective; }

    public ConditionConfig validate() {
        if (unet == null) throw new IllegalArgumentException("ConditionConfig: no unet config");
        DescriptorConfig.checkObjective(objective, "ConditionConfig");
        unet.validate();
        if (unet.inChannels != 2)
            throw new IllegalArgumentException("ConditionConfig: unet.inChannels " + unet.inChannels + " must be 2 (image, mask)");
        if (cropSize == null || cropSize.length != 3)
            throw new IllegalArgumentException("ConditionConfig: cropSize " + Arrays.toString(cropSize) + " must have 3 axes");
        for (int s : cropSize)
            if (s < unet.minInputSize())
                throw new IllegalArgumentException("ConditionConfig: cropSize " + Arrays.toString(cropSize)
                        + " has an axis below the UNet's minimum input size " + unet.minInputSize());
        if (maskBlock == null || maskBlock.length != 3 || maxSpacing == null || maxSpacing.length != 3)
            throw new IllegalArgumentException("ConditionConfig: maskBlock " + Arrays.toString(maskBlock) + " and maxSpacing "
                    + Arrays.toString(maxSpacing) + " must have 3 axes");
        if (minSpacing != null && minSpacing.length != 3)
            throw new IllegalArgumentException("ConditionConfig: minSpacing " + Arrays.toString(minSpacing) + " must have 3 axes");
        for (int a = 0; a < 3; a++)
            if (maskBlock[a] < 1 || cropSize[a] % maskBlock[a] != 0)
                throw new IllegalArgumentException("ConditionConfig: cropSize " + Arrays.toString(cropSize)
                        + " must be a multiple of maskBlock " + Arrays.toString(maskBlock));
        if (!(maskProb >= 0 && maskProb <= 1) || !(maskRatio >= 0 && maskRatio <= 1))
            throw new IllegalArgumentException("ConditionConfig: maskProb " + maskProb + " and maskRatio " + maskRatio + " must be in [0, 1]");
        if (voxelsPerPair < 1 || pairsPerBatch < 1 || (long) voxelsPerPair * pairsPerBatch < 2)
            throw new IllegalArgumentException("ConditionConfig: voxelsPerPair " + voxelsPerPair + " and pairsPerBatch "
                    + pairsPerBatch + " must be >= 1 and give at least 2 voxel pairs");
        if (expanderWidth < 32 || expanderWidth % 32 != 0)
            throw new IllegalArgumentException("ConditionConfig: expanderWidth " + expanderWidth + " must be a positive multiple of 32");
        if (steps < 2) throw new IllegalArgumentException("ConditionConfig: steps " + steps + " must be >= 2");
        if (!(lr > 0) || !(eps > 0) || !(weightDecay >= 0) || !(warmupFraction > 0 && warmupFraction < 1) || !(clipNorm >= 0))
            throw new IllegalArgumentException("ConditionConfig: lr " + lr + ", eps " + eps + ", weightDecay " + weightDecay
                    + ", warmupFraction " + warmupFraction + " (in (0, 1)), clipNorm " + clipNorm);
        if (checkpointEvery < 1) throw new IllegalArgumentException("ConditionConfig: checkpointEvery " + checkpointEvery + " must be >= 1");
        cropPairConfig();
        return this;
    }
}
