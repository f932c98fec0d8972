package org.screener.data;

import java.util.Arrays;

/**
 * A 3D scalar image: voxels, spacing and the voxel-to-world affine (world = NIfTI/RAS+ millimetres).
 *
 * <p>Voxel (i, j, k) is stored at {@code (k * ny + j) * nx + i}: i is the fastest axis. As a tensor this is
 * (D, H, W) = (nz, ny, nx). Raw CT stays in int16 ({@link #shorts()}) to halve memory; anything computed is
 * float32 ({@link #floats()}). Exactly one of the two arrays is non-null.
 *
 * <p>Canonical orientation: RAS+ (as nibabel's {@code as_closest_canonical}): i increases towards the
 * patient's Right, j towards Anterior, k towards Superior. Every loader can reorient to it.
 */
public final class Volume {
    public final int nx, ny, nz;
    private final double[] spacing;
    private final double[][] affine;
    private final short[] shorts;
    private final float[] floats;

    private Volume(int nx, int ny, int nz, double[] spacing, double[][] affine, short[] s, float[] f) {
        if (nx <= 0 || ny <= 0 || nz <= 0) throw new IllegalArgumentException("volume dimensions must be positive: " + nx + "x" + ny + "x" + nz);
        long n = (long) nx * ny * nz;
        int len = s != null ? s.length : f.length;
        if (len != n) throw new IllegalArgumentException("volume " + nx + "x" + ny + "x" + nz + " needs " + n + " voxels, got " + len);
        if (spacing.length != 3) throw new IllegalArgumentException("spacing must have 3 entries");
        this.nx = nx; this.ny = ny; this.nz = nz;
        this.spacing = spacing.clone();
        this.affine = copy(affine);
        this.shorts = s; this.floats = f;
    }

    public static Volume ofShorts(int nx, int ny, int nz, short[] data, double[] spacing, double[][] affine) {
        return new Volume(nx, ny, nz, spacing, affine, data, null);
    }

    public static Volume ofFloats(int nx, int ny, int nz, float[] data, double[] spacing, double[][] affine) {
        return new Volume(nx, ny, nz, spacing, affine, null, data);
    }

    /** Axis-aligned affine: diag(spacing) with the given origin. */
    public static double[][] diagonalAffine(double[] spacing, double[] origin) {
        double[][] a = new double[4][4];
        for (int r = 0; r < 3; r++) { a[r][r] = spacing[r]; a[r][3] = origin == null ? 0 : origin[r]; }
        a[3][3] = 1;
        return a;
    }

    public long size() { return (long) nx * ny * nz; }
    public int[] dims() { return new int[]{nx, ny, nz}; }
    public double[] spacing() { return spacing.clone(); }
    public double[][] affine() { return copy(affine); }
    public boolean isShort() { return shorts != null; }

    /** Raw int16 voxels (no copy) or null if this volume holds floats. */
    public short[] shorts() { return shorts; }

    /** Float voxels: the array itself when stored as float, else a converted copy. */
    public float[] floats() {
        if (floats != null) return floats;
        float[] f = new float[shorts.length];
        for (int i = 0; i < f.length; i++) f[i] = shorts[i];
        return f;
    }

    public int index(int i, int j, int k) { return (k * ny + j) * nx + i; }

    public float get(int i, int j, int k) {
        int idx = index(i, j, k);
        return shorts != null ? shorts[idx] : floats[idx];
    }

    /** Same geometry, new float voxels. */
    public Volume withFloats(float[] data) { return ofFloats(nx, ny, nz, data, spacing, affine); }

    /** Minimum and maximum voxel value. */
    public float[] range() {
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        long n = size();
        for (int i = 0; i < n; i++) {
            float v = shorts != null ? shorts[i] : floats[i];
            if (v < lo) lo = v;
            if (v > hi) hi = v;
        }
        return new float[]{lo, hi};
    }

    private static double[][] copy(double[][] a) {
        double[][] c = new double[4][];
        for (int r = 0; r < 4; r++) c[r] = Arrays.copyOf(a[r], 4);
        return c;
    }

    @Override public String toString() {
        return "Volume[" + nx + "x" + ny + "x" + nz + ", spacing " + Arrays.toString(spacing) + (isShort() ? ", int16" : ", float32") + "]";
    }
}
