package org.screener.data.sampling;

import java.util.SplittableRandom;

/**
 * Per-view intensity augmentations of the dense-SSL sampler (method doc §2.5 step 6), in this order, each
 * with its own probability: in-plane Gaussian blur or unsharp-mask sharpening (50/50), additive Gaussian
 * noise, brightness (clipped to the crop's original range), contrast about the mean (clipped), gamma on
 * min-max normalised intensities. Operates in place on a crop (x fastest).
 */
public final class ColorAugment {
    private ColorAugment() {}

    /** @param spacingMm the crop's voxel spacing, to convert blur sigmas from mm to voxels */
    public static void apply(float[] v, int nx, int ny, int nz, double[] spacingMm, CropPairConfig c, SplittableRandom rng) {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float x : v) { if (x < lo) lo = x; if (x > hi) hi = x; }
        if (rng.nextDouble() < c.blurSharpenProb) {
            boolean sharpen = rng.nextBoolean();
            double sigmaMm = rng.nextDouble() * c.blurSigmaMaxMm;
            double alpha = sharpen ? rng.nextDouble() * c.sharpenAlphaMax : 0;
            float[] blurred = sharpen ? v.clone() : v;
            blurInPlane(blurred, nx, ny, nz, sigmaMm / spacingMm[0], sigmaMm / spacingMm[1]);
            if (sharpen) {
                float a = (float) alpha;
                for (int i = 0; i < v.length; i++) v[i] += a * (v[i] - blurred[i]);
            }
        }
        if (rng.nextDouble() < c.noiseProb) {
            double std = rng.nextDouble() * c.noiseStdMax;
            for (int i = 0; i < v.length; i++) v[i] += (float) (std * rng.nextGaussian());
        }
        if (rng.nextDouble() < c.brightnessProb) {
            float f = (float) uniform(rng, c.brightnessMin, c.brightnessMax);
            for (int i = 0; i < v.length; i++) v[i] = clamp(v[i] * f, lo, hi);
        }
        if (rng.nextDouble() < c.contrastProb) {
            float f = (float) uniform(rng, c.contrastMin, c.contrastMax);
            double sum = 0;
            for (float x : v) sum += x;
            float mean = (float) (sum / v.length);
            for (int i = 0; i < v.length; i++) v[i] = clamp((v[i] - mean) * f + mean, lo, hi);
        }
        if (rng.nextDouble() < c.gammaProb) {
            double g = uniform(rng, c.gammaMin, c.gammaMax);
            float mn = Float.POSITIVE_INFINITY, mx = Float.NEGATIVE_INFINITY;
            for (float x : v) { if (x < mn) mn = x; if (x > mx) mx = x; }
            float r = mx - mn;
            if (r > 0) for (int i = 0; i < v.length; i++) v[i] = mn + r * (float) Math.pow((v[i] - mn) / r, g);
        }
    }

    static double uniform(SplittableRandom rng, double lo, double hi) { return lo + (hi - lo) * rng.nextDouble(); }

    private static float clamp(float x, float lo, float hi) { return x < lo ? lo : (x > hi ? hi : x); }

    /** Separable Gaussian along x and y (edges replicated); sigmas in voxels, below 0.05 skipped. */
    static void blurInPlane(float[] v, int nx, int ny, int nz, double sx, double sy) {
        if (sx >= 0.05) {
            float[] k = kernel(sx);
            int r = k.length / 2;
            float[] line = new float[nx];
            for (int row = 0; row < ny * nz; row++) {
                int b = row * nx;
                System.arraycopy(v, b, line, 0, nx);
                for (int i = 0; i < nx; i++) {
                    float s = 0;
                    for (int t = -r; t <= r; t++) s += k[t + r] * line[Math.min(nx - 1, Math.max(0, i + t))];
                    v[b + i] = s;
                }
            }
        }
        if (sy >= 0.05) {
            float[] k = kernel(sy);
            int r = k.length / 2;
            float[] plane = new float[nx * ny];
            for (int z = 0; z < nz; z++) {
                int b = z * nx * ny;
                System.arraycopy(v, b, plane, 0, nx * ny);
                for (int j = 0; j < ny; j++)
                    for (int i = 0; i < nx; i++) {
                        float s = 0;
                        for (int t = -r; t <= r; t++) s += k[t + r] * plane[Math.min(ny - 1, Math.max(0, j + t)) * nx + i];
                        v[b + j * nx + i] = s;
                    }
            }
        }
    }

    /** Normalised Gaussian truncated at 4 sigma (scipy's default truncate). */
    static float[] kernel(double sigma) {
        int r = Math.max(1, (int) Math.ceil(4 * sigma));
        float[] k = new float[2 * r + 1];
        double sum = 0;
        for (int t = -r; t <= r; t++) sum += Math.exp(-0.5 * t * t / (sigma * sigma));
        for (int t = -r; t <= r; t++) k[t + r] = (float) (Math.exp(-0.5 * t * t / (sigma * sigma)) / sum);
        return k;
    }
}
