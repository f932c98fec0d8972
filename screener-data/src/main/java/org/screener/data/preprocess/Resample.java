package org.screener.data.preprocess;

import org.screener.core.cpu.Parallel;
import org.screener.data.Volume;

/**
 * Resampling of a box of a volume onto a regular grid: output voxel o (per axis) sits at source voxel
 * coordinate {@code lo + o * step}, so the output's first voxel coincides with the box's first voxel and its
 * spacing is {@code step * sourceSpacing} exactly. Trilinear for images, nearest for masks; borders replicate
 * the box's edge voxels (never read outside the box). Threads over output slices.
 */
public final class Resample {
    private Resample() {}

    /** Output size along one axis: every output voxel lies inside the box [0, n-1] (in source voxels). */
    public static int outSize(int n, double step) {
        return (int) Math.floor((n - 1) / step + 1e-9) + 1;
    }

    /** Trilinear; source read directly from int16 or float storage. */
    public static float[] trilinear(Volume src, int[] lo, int[] hi, int[] out, double[] step) {
        checkBox("Resample.trilinear", src, lo, hi, out);
        int nx = src.nx, ny = src.ny;
        short[] s = src.shorts();
        float[] f = s == null ? src.floats() : null;
        Axis ax = new Axis(lo[0], hi[0], out[0], step[0]), ay = new Axis(lo[1], hi[1], out[1], step[1]), az = new Axis(lo[2], hi[2], out[2], step[2]);
        int ox = out[0], oy = out[1];
        float[] dst = new float[Math.multiplyExact(Math.multiplyExact(out[0], out[1]), out[2])];
        Parallel.forRange(out[2], 1, (k0, k1) -> {
            for (int k = k0; k < k1; k++) {
                int z0 = az.i0[k], z1 = az.i1[k];
                float wz = az.w[k];
                for (int j = 0; j < oy; j++) {
                    int y0 = ay.i0[j], y1 = ay.i1[j];
                    float wy = ay.w[j];
                    int r00 = (z0 * ny + y0) * nx, r01 = (z0 * ny + y1) * nx, r10 = (z1 * ny + y0) * nx, r11 = (z1 * ny + y1) * nx;
                    int d = (k * oy + j) * ox;
                    for (int i = 0; i < ox; i++) {
                        int x0 = ax.i0[i], x1 = ax.i1[i];
                        float wx = ax.w[i];
                        float c00, c01, c10, c11;
                        if (s != null) {
                            c00 = s[r00 + x0] + wx * (s[r00 + x1] - s[r00 + x0]);
                            c01 = s[r01 + x0] + wx * (s[r01 + x1] - s[r01 + x0]);
                            c10 = s[r10 + x0] + wx * (s[r10 + x1] - s[r10 + x0]);
                            c11 = s[r11 + x0] + wx * (s[r11 + x1] - s[r11 + x0]);
                        } else {
                            c00 = f[r00 + x0] + wx * (f[r00 + x1] - f[r00 + x0]);
                            c01 = f[r01 + x0] + wx * (f[r01 + x1] - f[r01 + x0]);
                            c10 = f[r10 + x0] + wx * (f[r10 + x1] - f[r10 + x0]);
                            c11 = f[r11 + x0] + wx * (f[r11 + x1] - f[r11 + x0]);
                        }
                        float c0 = c00 + wy * (c01 - c00), c1 = c10 + wy * (c11 - c10);
                        dst[d + i] = c0 + wz * (c1 - c0);
                    }
                }
            }
        });
        return dst;
    }

    /** Nearest neighbour (round half up), for label masks; returns int16 labels. */
    public static short[] nearest(Volume src, int[] lo, int[] hi, int[] out, double[] step) {
        checkBox("Resample.nearest", src, lo, hi, out);
        int nx = src.nx, ny = src.ny;
        int[][] idx = new int[3][];
        for (int a = 0; a < 3; a++) {
            idx[a] = new int[out[a]];
            for (int o = 0; o < out[a]; o++) idx[a][o] = Math.min(hi[a] - 1, (int) Math.floor(lo[a] + o * step[a] + 0.5));
        }
        short[] s = src.shorts();
        float[] f = s == null ? src.floats() : null;
        short[] dst = new short[out[0] * out[1] * out[2]];
        Parallel.forRange(out[2], 1, (k0, k1) -> {
            for (int k = k0; k < k1; k++)
                for (int j = 0; j < out[1]; j++) {
                    int row = (idx[2][k] * ny + idx[1][j]) * nx, d = (k * out[1] + j) * out[0];
                    for (int i = 0; i < out[0]; i++)
                        dst[d + i] = s != null ? s[row + idx[0][i]] : (short) Math.round(f[row + idx[0][i]]);
                }
        });
        return dst;
    }

    /** Trilinear sampling of a flat (nx, ny, nz) grid at per-axis coordinates; coordinates are clamped to the grid. */
    static final class Axis {
        final int[] i0, i1; final float[] w;
        Axis(int lo, int hi, int n, double step) {
            i0 = new int[n]; i1 = new int[n]; w = new float[n];
            for (int o = 0; o < n; o++) {
                double c = Math.min(Math.max(lo + o * step, lo), hi - 1);
                int a = (int) Math.floor(c);
                i0[o] = a; i1[o] = Math.min(a + 1, hi - 1); w[o] = (float) (c - a);
            }
        }
    }

    private static void checkBox(String op, Volume src, int[] lo, int[] hi, int[] out) {
        int[] n = src.dims();
        for (int a = 0; a < 3; a++)
            if (lo[a] < 0 || hi[a] > n[a] || lo[a] >= hi[a] || out[a] < 1)
                throw new IllegalArgumentException(op + ": bad box [" + java.util.Arrays.toString(lo) + ", " + java.util.Arrays.toString(hi)
                        + ") or output " + java.util.Arrays.toString(out) + " for volume " + src);
    }
}
