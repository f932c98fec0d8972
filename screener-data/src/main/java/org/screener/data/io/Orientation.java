package org.screener.data.io;

import org.screener.data.Volume;

import java.util.Arrays;

/**
 * Axis codes of a voxel-to-world (RAS+) affine and reorientation to canonical RAS+ by flipping and permuting
 * voxels only (no resampling), with the affine adjusted so every voxel keeps its world coordinate.
 */
public final class Orientation {
    private Orientation() {}

    private static final char[] POS = {'R', 'A', 'S'}, NEG = {'L', 'P', 'I'};

    /**
     * For each voxel axis i, j, k: the world axis it is closest to (0 = x, 1 = y, 2 = z) and its sign (+1/-1).
     * Assignment is greedy on the largest normalised direction cosine, so an oblique affine still maps to a
     * permutation.
     */
    public static int[][] axes(double[][] affine) {
        double[][] cos = new double[3][3]; // cos[world][voxel]
        for (int j = 0; j < 3; j++) {
            double n = Math.sqrt(affine[0][j] * affine[0][j] + affine[1][j] * affine[1][j] + affine[2][j] * affine[2][j]);
            if (!(n > 0) || !Double.isFinite(n)) throw new IllegalArgumentException("affine column " + j + " is zero or not finite: " + Arrays.deepToString(affine));
            for (int i = 0; i < 3; i++) cos[i][j] = affine[i][j] / n;
        }
        int[] world = new int[3], sign = new int[3];
        boolean[] usedW = new boolean[3], usedV = new boolean[3];
        for (int step = 0; step < 3; step++) {
            int bw = -1, bv = -1;
            double best = -1;
            for (int w = 0; w < 3; w++) for (int v = 0; v < 3; v++)
                if (!usedW[w] && !usedV[v] && Math.abs(cos[w][v]) > best) { best = Math.abs(cos[w][v]); bw = w; bv = v; }
            usedW[bw] = usedV[bv] = true;
            world[bv] = bw;
            sign[bv] = cos[bw][bv] >= 0 ? 1 : -1;
        }
        return new int[][]{world, sign};
    }

    /** Orientation code such as "RAS" or "LPS": the direction each voxel axis (i, j, k) increases towards. */
    public static String codes(double[][] affine) {
        int[][] a = axes(affine);
        char[] c = new char[3];
        for (int v = 0; v < 3; v++) c[v] = a[1][v] > 0 ? POS[a[0][v]] : NEG[a[0][v]];
        return new String(c);
    }

    public static String codes(Volume v) { return codes(v.affine()); }

    public static boolean isCanonical(Volume v) { return codes(v).equals("RAS"); }

    /**
     * The same image with voxel axes permuted and flipped so that i, j, k point (closest to) R, A, S. World
     * coordinates of every voxel are unchanged. Returns the input itself when already canonical.
     */
    public static Volume toCanonical(Volume v) {
        double[][] a = v.affine();
        int[][] ax = axes(a);
        int[] src = new int[3];     // src[w] = input voxel axis that becomes output axis w
        boolean[] flip = new boolean[3];
        for (int vAxis = 0; vAxis < 3; vAxis++) { src[ax[0][vAxis]] = vAxis; flip[ax[0][vAxis]] = ax[1][vAxis] < 0; }
        if (src[0] == 0 && src[1] == 1 && src[2] == 2 && !flip[0] && !flip[1] && !flip[2]) return v;

        int[] n = v.dims();
        int[] m = {n[src[0]], n[src[1]], n[src[2]]};
        // old voxel index = T * new index: old[src[w]] = flip ? n-1-new[w] : new[w]
        double[][] t = new double[4][4];
        for (int w = 0; w < 3; w++) {
            t[src[w]][w] = flip[w] ? -1 : 1;
            t[src[w]][3] = flip[w] ? n[src[w]] - 1 : 0;
        }
        t[3][3] = 1;
        double[][] na = mul(a, t);
        double[] sp = v.spacing();
        double[] nsp = {sp[src[0]], sp[src[1]], sp[src[2]]};

        // stride of each output axis in the input array, and the input offset of output voxel (0,0,0)
        long[] stride = {1, n[0], (long) n[0] * n[1]};
        long[] os = new long[3];
        long base = 0;
        for (int w = 0; w < 3; w++) {
            os[w] = flip[w] ? -stride[src[w]] : stride[src[w]];
            if (flip[w]) base += (long) (n[src[w]] - 1) * stride[src[w]];
        }
        int total = (int) v.size();
        if (v.isShort()) {
            short[] in = v.shorts(), out = new short[total];
            int o = 0;
            for (int k = 0; k < m[2]; k++) for (int j = 0; j < m[1]; j++) {
                long p = base + k * os[2] + j * os[1];
                for (int i = 0; i < m[0]; i++, p += os[0]) out[o++] = in[(int) p];
            }
            return Volume.ofShorts(m[0], m[1], m[2], out, nsp, na);
        }
        float[] in = v.floats(), out = new float[total];
        int o = 0;
        for (int k = 0; k < m[2]; k++) for (int j = 0; j < m[1]; j++) {
            long p = base + k * os[2] + j * os[1];
            for (int i = 0; i < m[0]; i++, p += os[0]) out[o++] = in[(int) p];
        }
        return Volume.ofFloats(m[0], m[1], m[2], out, nsp, na);
    }

    /** World (RAS+ mm) coordinate of voxel (i, j, k). */
    public static double[] world(double[][] a, double i, double j, double k) {
        double[] x = new double[3];
        for (int r = 0; r < 3; r++) x[r] = a[r][0] * i + a[r][1] * j + a[r][2] * k + a[r][3];
        return x;
    }

    public static double[][] mul(double[][] a, double[][] b) {
        double[][] c = new double[4][4];
        for (int i = 0; i < 4; i++) for (int j = 0; j < 4; j++) {
            double s = 0;
            for (int k = 0; k < 4; k++) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
        return c;
    }

    /**
     * {@code src} resampled onto the voxel grid of {@code like}: each voxel of {@code like} takes the value at its
     * world position (nearest; exact for the flips and permutations of {@link #toCanonical}, so a map computed
     * on the canonical grid goes back to the scan's own grid).
     */
    public static Volume resampleTo(Volume src, Volume like) {
        double[][] t = mul(invertAffine(src.affine()), like.affine());   // like voxel → src voxel
        int nx = like.nx, ny = like.ny, nz = like.nz;
        float[] s = src.floats(), dst = new float[Math.toIntExact(like.size())];
        for (int k = 0; k < nz; k++)
            for (int j = 0; j < ny; j++)
                for (int i = 0; i < nx; i++) {
                    int[] c = new int[3];
                    for (int r = 0; r < 3; r++) {
                        double x = t[r][0] * i + t[r][1] * j + t[r][2] * k + t[r][3];
                        c[r] = (int) Math.round(x);
                    }
                    if (c[0] < 0 || c[1] < 0 || c[2] < 0 || c[0] >= src.nx || c[1] >= src.ny || c[2] >= src.nz)
                        throw new IllegalStateException("Orientation.resampleTo: voxel (" + i + "," + j + "," + k + ") of " + like
                                + " maps outside " + src);
                    dst[(k * ny + j) * nx + i] = s[src.index(c[0], c[1], c[2])];
                }
        return Volume.ofFloats(nx, ny, nz, dst, like.spacing(), like.affine());
    }

    /** 4×4 inverse by Gauss-Jordan with partial pivoting. */
    public static double[][] invertAffine(double[][] m) {
        double[][] a = new double[4][8];
        for (int i = 0; i < 4; i++) { System.arraycopy(m[i], 0, a[i], 0, 4); a[i][4 + i] = 1; }
        for (int c = 0; c < 4; c++) {
            int p = c;
            for (int r = c + 1; r < 4; r++) if (Math.abs(a[r][c]) > Math.abs(a[p][c])) p = r;
            if (a[p][c] == 0) throw new IllegalArgumentException("singular affine " + java.util.Arrays.deepToString(m));
            double[] tmp = a[c]; a[c] = a[p]; a[p] = tmp;
            double d = a[c][c];
            for (int j = 0; j < 8; j++) a[c][j] /= d;
            for (int r = 0; r < 4; r++) if (r != c) {
                double f = a[r][c];
                if (f != 0) for (int j = 0; j < 8; j++) a[r][j] -= f * a[c][j];
            }
        }
        double[][] inv = new double[4][4];
        for (int i = 0; i < 4; i++) System.arraycopy(a[i], 4, inv[i], 0, 4);
        return inv;
    }
}
