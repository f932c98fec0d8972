package org.screener.data.preprocess;

import java.util.Arrays;
import org.screener.data.Volume;

/**
 * The Screener preprocessing pipeline (method doc §7): body crop → resample to the target spacing (trilinear;
 * masks nearest) → clip HU and scale to [0, 1] → 3D CLAHE. Input is expected in canonical orientation and in
 * HU. Peak memory: the source plus one float buffer of the output grid (the crop is never copied).
 */
public final class Preprocessor {
    private Preprocessor() {}

    public static Preprocessed run(Volume image, Volume mask, PreprocessConfig cfg) {
        cfg.validate();
        if (mask != null && (mask.nx != image.nx || mask.ny != image.ny || mask.nz != image.nz))
            throw new IllegalArgumentException("Preprocessor: mask " + mask + " does not match image " + image);
        int[] dims = image.dims();
        double[] sp = image.spacing();
        for (int a = 0; a < 3; a++) sp[a] = Math.abs(sp[a]);
        int[] lo = {0, 0, 0}, hi = dims.clone();
        if (cfg.bodyCrop) {
            int[][] box = BodyCrop.box(image, cfg.bodyThresholdHu, cfg.bodyBlockMm);
            if (box != null) { lo = box[0]; hi = box[1]; }
        }
        double[] target = cfg.targetSpacing == null ? sp.clone() : cfg.targetSpacing.clone();
        double[] step = new double[3];
        int[] out = new int[3];
        for (int a = 0; a < 3; a++) { step[a] = target[a] / sp[a]; out[a] = Resample.outSize(hi[a] - lo[a], step[a]); }
        PreprocessGeometry geo = new PreprocessGeometry(dims, sp, image.affine(), lo, hi, out, target);

        float[] data = Resample.trilinear(image, lo, hi, out, step);
        Intensity.clipAndScale(data, cfg.huMin, cfg.huMax);
        if (cfg.clahe) Clahe3d.apply(data, out[0], out[1], out[2], Clahe3d.defaultKernel(out[0], out[1], out[2], cfg.claheKernelFraction), cfg.claheClipLimit, cfg.claheBins);
        double[][] affine = geo.outAffine();
        Volume img = Volume.ofFloats(out[0], out[1], out[2], data, target, affine);
        Volume m = mask == null ? null : Volume.ofShorts(out[0], out[1], out[2], Resample.nearest(mask, lo, hi, out, step), target, affine);
        return new Preprocessed(img, m, geo);
    }

    /** Short description for logs. */
    public static String describe(Preprocessed p) {
        return p.geometry() + " spacing " + Arrays.toString(p.image().spacing());
    }
}
