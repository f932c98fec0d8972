package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.data.Volume;
import org.screener.data.io.Orientation;
import org.screener.data.preprocess.PreprocessConfig;
import org.screener.data.preprocess.Preprocessed;
import org.screener.data.preprocess.Preprocessor;
import org.screener.nn.infer.SlidingWindow;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whole-scan anomaly maps from a trained model directory:
 * <pre>
 * Screener s = Screener.load(Path.of("model"));
 * Volume map = s.score(Volumes.read(Path.of("scan.nii.gz")));   // float32 NLL in nats
 * </pre>
 * Steps: reorient to canonical RAS+ → preprocess with the model's settings → sliding window (patch = the
 * density stage's crop, overlap 0.5) → back onto the original grid (outside the body crop: the map's minimum)
 * → back to the input's voxel order. The map has the input's dims, spacing and affine, voxel for voxel.
 */
public final class Screener {
    /** Called after each window with the number of windows done and the total. */
    @FunctionalInterface
    public interface Progress { void update(int done, int total); }

    private final PreprocessConfig preprocess;
    private final DensityScorer scorer;
    private final int[] patchDHW;
    private final Backend backend;
    private double overlap = 0.5, sigmaScale = 0.125;
    private Progress progress;

    private Screener(PreprocessConfig preprocess, DensityScorer scorer, int[] patchDHW, Backend backend) {
        this.preprocess = preprocess;
        this.scorer = scorer;
        this.patchDHW = patchDHW;
        this.backend = backend;
    }

    /** On the default backend. */
    public static Screener load(Path modelDir) throws IOException { return load(modelDir, Backends.getDefault()); }

    /**
     * @throws IOException naming the missing part and the stage that makes it when the directory is incomplete
     */
    public static Screener load(Path modelDir, Backend be) throws IOException {
        ModelDir dir = new ModelDir(modelDir);
        if (!Files.isDirectory(modelDir)) throw new IOException(modelDir + ": no such model directory");
        if (!dir.hasConfig()) throw new IOException(modelDir + ": no " + ModelDir.CONFIG + " (not a model directory; run 'screener train')");
        if (!Files.isRegularFile(dir.descriptor()))
            throw new IOException(modelDir + ": no " + ModelDir.DESCRIPTOR + " (train the descriptor stage: 'screener train --stage descriptor')");
        if (!Files.isRegularFile(dir.density()))
            throw new IOException(modelDir + ": no " + ModelDir.DENSITY + " (train the density stage: 'screener train --stage density')");
        ModelDir.Config cfg;
        try {
            cfg = dir.readConfig();
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
        DensityScorer s = DensityScorer.load(dir, be);
        DensityConfig d = densityConfig(dir);
        return new Screener(cfg.preprocess, s, d.cropDHW(), be);
    }

    private static DensityConfig densityConfig(ModelDir dir) throws IOException {
        String json = org.screener.nn.io.Safetensors.read(dir.density()).metadata.get(DensityStage.META_CONFIG);
        if (json == null) throw new IOException(dir.density() + ": no '" + DensityStage.META_CONFIG + "' metadata");
        return ModelDir.GSON.fromJson(json, DensityConfig.class).validate();
    }

    /** Window overlap in [0, 1); default 0.5. */
    public Screener overlap(double f) {
        if (!(f >= 0 && f < 1)) throw new IllegalArgumentException("Screener: overlap must be in [0, 1), got " + f);
        overlap = f;
        return this;
    }

    /** Gaussian blending of overlapping windows: σ = sigmaScale · window size; default 0.125. */
    public Screener sigmaScale(double s) {
        if (!(s > 0)) throw new IllegalArgumentException("Screener: sigma scale must be > 0, got " + s);
        sigmaScale = s;
        return this;
    }

    public Screener progress(Progress p) { progress = p; return this; }

    /** Window size (D, H, W) in preprocessed voxels. */
    public int[] patchDHW() { return patchDHW.clone(); }

    /**
     * Anomaly map of {@code scan} (in HU, any orientation): float32 NLL (nats), same dims, spacing and affine as
     * the input.
     */
    public Volume score(Volume scan) {
        Volume canon = Orientation.toCanonical(scan);
        Preprocessed p = Preprocessor.run(canon, null, preprocess);
        Volume img = p.image();
        int[] dhw = {img.nz, img.ny, img.nx};
        SlidingWindow.Options o = new SlidingWindow.Options().patch(patchDHW[0], patchDHW[1], patchDHW[2])
                .overlap(overlap).sigmaScale(sigmaScale).backend(backend);
        if (progress != null) o.progress(progress::update);
        float[] map = SlidingWindow.run(img.floats(), dhw, scorer.patchFunction(dhw), o).data();
        return toScan(map, p, canon, scan);
    }

    /**
     * A map on the preprocessed grid of {@code p} (made from {@code canon}, the canonical form of {@code scan})
     * back onto the scan's own grid, voxel order and affine; outside the body crop it takes the map's minimum.
     */
    public static Volume toScan(float[] map, Preprocessed p, Volume canon, Volume scan) {
        float min = Float.POSITIVE_INFINITY;
        for (float v : map) min = Math.min(min, v);
        float[] orig = p.geometry().toOriginal(map, min);
        Volume canonMap = Volume.ofFloats(canon.nx, canon.ny, canon.nz, orig, canon.spacing(), canon.affine());
        return canon == scan ? canonMap : Orientation.resampleTo(canonMap, scan);
    }
}
