package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.ops.Shapes;
import org.screener.core.ops.Spatial;
import org.screener.nn.density.DensityModel;
import org.screener.nn.infer.PatchFunction;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.io.Safetensors;
import org.screener.nn.unet.UNet3d;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

/**
 * Anomaly scores of image patches (method reference §1): descriptor UNet → average-pool (kernel = stride) of
 * descriptors and condition → per-position density NLL → trilinear upsampling back to the patch's full
 * resolution. Inference only (no-grad, no noise).
 */
public final class DensityScorer {
    private final UNet3d descriptor;
    private final DensityModel density;
    private final ConditionSource condition;
    private final int[] strideDHW;

    public DensityScorer(UNet3d descriptor, DensityModel density, ConditionSource condition, int[] strideDHW) {
        if (density.conditionChannels() != condition.channels())
            throw new IllegalArgumentException("DensityScorer: density expects " + density.conditionChannels()
                    + " condition channels, condition '" + condition.name() + "' gives " + condition.channels());
        this.descriptor = descriptor;
        this.density = density;
        this.condition = condition;
        this.strideDHW = strideDHW.clone();
        descriptor.eval();
        density.eval();
    }

    /** The trained descriptor and density of a model directory, on backend {@code be}. */
    public static DensityScorer load(ModelDir dir, Backend be) throws IOException {
        if (!Files.isRegularFile(dir.descriptor()) || !Files.isRegularFile(dir.density()))
            throw new IOException(dir.root + ": needs a trained " + ModelDir.DESCRIPTOR + " and " + ModelDir.DENSITY);
        UNet3d unet = Checkpoint.loadUNet(dir.descriptor());
        unet.to(be);
        Safetensors.Contents c = Safetensors.read(dir.density());
        String json = c.metadata.get(DensityStage.META_CONFIG);
        if (json == null) throw new IOException(dir.density() + ": no '" + DensityStage.META_CONFIG + "' metadata");
        DensityConfig cfg = ModelDir.GSON.fromJson(json, DensityConfig.class).validate();
        ConditionSource cond = cfg.conditionSource(dir, be);
        DensityModel m = DensityTraining.newModel(be, cfg, unet.config.outChannels, cond.channels(), new Random(0));
        m.loadStateDict(m.withInitializedFlags(c.tensors), true);
        m.to(be);
        return new DensityScorer(unet, m, cond, cfg.poolDHW());
    }

    public ConditionSource condition() { return condition; }

    public DensityModel density() { return density; }

    public UNet3d descriptor() { return descriptor; }

    /** Pooling stride (= kernel) as (D, H, W). */
    public int[] poolDHW() { return strideDHW.clone(); }

    /**
     * NLL map of a patch at full resolution.
     *
     * @param patch    (B, 1, D, H, W) preprocessed intensities; each axis at least the pooling stride
     * @param offsets  offsets[b] = (d, h, w) of patch b's first voxel in the scan
     * @param scanDHW  the scan's (D, H, W)
     * @return (B, 1, D, H, W)
     */
    public Tensor scorePatch(Tensor patch, int[][] offsets, int[] scanDHW) {
        if (patch.rank() != 5 || patch.dim(1) != 1 || offsets.length != patch.dim(0))
            throw new IllegalArgumentException("DensityScorer.scorePatch: patch " + Shape.str(patch.shape())
                    + " must be (B, 1, D, H, W) with one offset per patch, got " + offsets.length);
        int[] full = {patch.dim(2), patch.dim(3), patch.dim(4)};
        for (int a = 0; a < 3; a++)
            if (full[a] < strideDHW[a])
                throw new IllegalArgumentException("DensityScorer.scorePatch: patch " + Shape.str(patch.shape())
                        + " is smaller than the pooling stride " + Arrays.toString(strideDHW));
        int[][] dims = new int[offsets.length][];
        Arrays.fill(dims, scanDHW);
        try (Autograd.Scope g = Autograd.noGrad()) {
            Tensor[] yc = DensityTraining.pooledInputs(descriptor, condition, patch, offsets, dims, strideDHW);
            Tensor nll = density.nll(yc[0], yc[1]);               // (B, d', h', w')
            int[] s = nll.shape();
            Tensor map = Shapes.reshape(nll, s[0], 1, s[1], s[2], s[3]);
            return Spatial.upsampleTrilinear(map, full);
        }
    }

    /** A single patch at {@code offset}. */
    public Tensor scorePatch(Tensor patch, int[] offset, int[] scanDHW) {
        return scorePatch(patch, new int[][]{offset}, scanDHW);
    }

    /** For {@link org.screener.nn.infer.SlidingWindow} over a scan of size {@code scanDHW}. */
    public PatchFunction patchFunction(int[] scanDHW) {
        int[] dims = scanDHW.clone();
        return (patches, offsets) -> scorePatch(patches, offsets, dims);
    }
}
