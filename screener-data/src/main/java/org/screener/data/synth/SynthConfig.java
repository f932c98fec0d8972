package org.screener.data.synth;

/**
 * Geometry and image-formation settings of the phantom. The anatomy is defined in millimetres over a fixed field
 * of view (about 320 x 256 x 240 mm, chest and upper abdomen), so the grid size only changes the sampling.
 */
public final class SynthConfig {
    public final int nx, ny, nz;
    /** Field of view in mm along x (left-right), y (posterior-anterior), z (inferior-superior). */
    public final double fovX, fovY, fovZ;
    /** Noise standard deviation range (HU); each subject draws its own. */
    public final double noiseMin, noiseMax;
    /** Partial-volume blur (Gaussian sigma, mm). */
    public final double blurMm;

    public SynthConfig(int nx, int ny, int nz, double fovX, double fovY, double fovZ, double noiseMin, double noiseMax, double blurMm) {
        if (nx < 8 || ny < 8 || nz < 4) throw new IllegalArgumentException("synth: volume " + nx + "x" + ny + "x" + nz + " too small (min 8x8x4)");
        if (!(fovX > 0 && fovY > 0 && fovZ > 0)) throw new IllegalArgumentException("synth: field of view must be positive");
        if (!(noiseMin >= 0 && noiseMax >= noiseMin)) throw new IllegalArgumentException("synth: bad noise range " + noiseMin + ".." + noiseMax);
        if (!(blurMm >= 0)) throw new IllegalArgumentException("synth: blur must be >= 0, got " + blurMm);
        this.nx = nx; this.ny = ny; this.nz = nz; this.fovX = fovX; this.fovY = fovY; this.fovZ = fovZ;
        this.noiseMin = noiseMin; this.noiseMax = noiseMax; this.blurMm = blurMm;
    }

    /** 160 x 128 x 96 voxels at 2 x 2 x 2.5 mm (anisotropic like thick-slice CT). */
    public static SynthConfig medium() { return ofSize(160, 128, 96); }

    /** 96 x 80 x 48 voxels at about 3.3 x 3.2 x 5 mm: quick demos. */
    public static SynthConfig small() { return ofSize(96, 80, 48); }

    /** Tiny grids for unit tests. */
    public static SynthConfig tiny() { return ofSize(64, 52, 32); }

    public static SynthConfig ofSize(int nx, int ny, int nz) {
        return new SynthConfig(nx, ny, nz, 320, 256, 240, 10, 20, 1.0);
    }

    public static SynthConfig named(String size) {
        switch (size) {
            case "small": return small();
            case "medium": return medium();
            case "tiny": return tiny();
            default:
                String[] p = size.toLowerCase(java.util.Locale.ROOT).split("x");
                if (p.length == 3) {
                    try {
                        return ofSize(Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
                    } catch (NumberFormatException e) { /* fall through to the message */ }
                }
                throw new IllegalArgumentException("unknown size '" + size + "'; expected small, medium, tiny or NXxNYxNZ (e.g. 512x512x400)");
        }
    }

    public double[] spacing() { return new double[]{fovX / nx, fovY / ny, fovZ / nz}; }

    public SynthConfig withNoise(double min, double max) { return new SynthConfig(nx, ny, nz, fovX, fovY, fovZ, min, max, blurMm); }

    public SynthConfig withBlur(double mm) { return new SynthConfig(nx, ny, nz, fovX, fovY, fovZ, noiseMin, noiseMax, mm); }
}
