package org.screener.data.preprocess;

import java.util.Arrays;
import org.screener.core.cpu.Parallel;

/**
 * 3D contrast-limited adaptive histogram equalisation, following skimage.exposure.equalize_adapthist on a
 * 3D float image: quantise to 14 bits over the image's [min, max], then to {@code nbins} bins; one clipped,
 * redistributed histogram per contextual tile of {@code kernel} voxels (tiles tile a reflect-padded image
 * whose tiles start at voxel 0); each voxel's value is the multilinear interpolation of the mappings of the
 * 2 × 2 × 2 tiles around it (tile mapping stored at the tile centre, clamped at the borders); truncated to
 * 14-bit integers and finally stretched to [0, 1]. Works in place: memory is the histograms only.
 */
public final class Clahe3d {
    private static final int NR_OF_GRAY = 1 << 14;

    private Clahe3d() {}

    /** skimage's default kernel: max(1, dim * fraction) per axis (fraction 1/8 gives dim // 8). */
    public static int[] defaultKernel(int nx, int ny, int nz, double fraction) {
        return new int[]{Math.max(1, (int) (nx * fraction)), Math.max(1, (int) (ny * fraction)), Math.max(1, (int) (nz * fraction))};
    }

    /**
     * Equalises {@code data} (x fastest, dims nx, ny, nz) in place and returns it. Output lies in [0, 1]
     * (a constant image becomes all zeros, as skimage's final rescale of a constant image gives).
     */
    public static float[] apply(float[] data, int nx, int ny, int nz, int[] kernel, double clipLimit, int nbins) {
        if ((long) nx * ny * nz != data.length) throw new IllegalArgumentException("Clahe3d: " + data.length + " voxels for " + nx + "x" + ny + "x" + nz);
        if (kernel.length != 3 || kernel[0] < 1 || kernel[1] < 1 || kernel[2] < 1) throw new IllegalArgumentException("Clahe3d: bad kernel " + Arrays.toString(kernel));
        if (nbins < 2) throw new IllegalArgumentException("Clahe3d: nbins must be >= 2, got " + nbins);
        int kx = kernel[0], ky = kernel[1], kz = kernel[2];
        for (int a = 0; a < 3; a++) {
            int n = a == 0 ? nx : a == 1 ? ny : nz;
            if (kernel[a] > n) throw new IllegalArgumentException("Clahe3d: kernel " + Arrays.toString(kernel) + " larger than image " + nx + "x" + ny + "x" + nz);
        }

        // img_as_uint (rint(v * 65535)) then rescale_intensity to [0, NR_OF_GRAY - 1] with rounding, then bin
        float lo = Float.POSITIVE_INFINITY, hi = Float.NEGATIVE_INFINITY;
        for (float v : data) { float u = toUint(v); if (u < lo) lo = u; if (u > hi) hi = u; }
        if (!(hi > lo)) { Arrays.fill(data, 0f); return data; }
        int binSize = 1 + NR_OF_GRAY / nbins;
        final double ulo = lo, urange = hi - lo;
        // bins (< nbins) are exact small integers: keep them in the float buffer (no extra volume buffer)
        Parallel.forRange(data.length, 1 << 16, (a, b) -> {
            for (int i = a; i < b; i++) data[i] = (int) Math.rint((toUint(data[i]) - ulo) / urange * (NR_OF_GRAY - 1)) / binSize;
        });

        int hx = ceilDiv(nx, kx), hy = ceilDiv(ny, ky), hz = ceilDiv(nz, kz);
        int tiles = hx * hy * hz;
        long kernelElements = (long) kx * ky * kz;
        long clim = clipLimit > 0 ? Math.max(1, (long) (clipLimit * kernelElements)) : kernelElements;
        int[][] maps = new int[tiles][];
        Parallel.forRange(tiles, 1, (t0, t1) -> {
            for (int t = t0; t < t1; t++) {
                int tx = t % hx, ty = (t / hx) % hy, tz = t / (hx * hy);
                long[] hist = new long[nbins];
                for (int z = tz * kz; z < (tz + 1) * kz; z++) {
                    int rz = reflect(z, nz);
                    for (int y = ty * ky; y < (ty + 1) * ky; y++) {
                        int row = (rz * ny + reflect(y, ny)) * nx;
                        for (int x = tx * kx; x < (tx + 1) * kx; x++) hist[(int) data[row + reflect(x, nx)]]++;
                    }
                }
                clipHistogram(hist, clim);
                maps[t] = mapHistogram(hist, NR_OF_GRAY - 1, kernelElements);
            }
        });

        // voxel x sits at padded position x + k/2; block b = p / k uses tiles b-1 and b (clamped), weight p%k / k
        int[][] t0 = new int[3][], t1 = new int[3][];
        float[][] w = new float[3][];
        int[] dims = {nx, ny, nz}, hs = {hx, hy, hz};
        for (int a = 0; a < 3; a++) {
            int n = dims[a], k = kernel[a], h = hs[a];
            t0[a] = new int[n]; t1[a] = new int[n]; w[a] = new float[n];
            for (int x = 0; x < n; x++) {
                int p = x + k / 2, b = p / k;
                t0[a][x] = Math.max(0, Math.min(h - 1, b - 1));
                t1[a][x] = Math.max(0, Math.min(h - 1, b));
                w[a][x] = (float) (p % k) / k;
            }
        }
        float[] mm = new float[]{Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        Object lock = new Object();
        Parallel.forRange(nz, 1, (z0, z1) -> {
            float mn = Float.POSITIVE_INFINITY, mx = Float.NEGATIVE_INFINITY;
            for (int z = z0; z < z1; z++) {
                float wz = w[2][z];
                int za = t0[2][z] * hy, zb = t1[2][z] * hy;
                for (int y = 0; y < ny; y++) {
                    float wy = w[1][y];
                    int ya = t0[1][y], yb = t1[1][y];
                    int rAA = (za + ya) * hx, rAB = (za + yb) * hx, rBA = (zb + ya) * hx, rBB = (zb + yb) * hx;
                    int row = (z * ny + y) * nx;
                    for (int x = 0; x < nx; x++) {
                        int v = (int) data[row + x];
                        int xa = t0[0][x], xb = t1[0][x];
                        float wx = w[0][x];
                        // skimage accumulates the 8 corner terms in float32: sum of map * product of weights
                        float r = 0f;
                        r += maps[rAA + xa][v] * ((1 - wz) * (1 - wy) * (1 - wx));
                        r += maps[rAA + xb][v] * ((1 - wz) * (1 - wy) * wx);
                        r += maps[rAB + xa][v] * ((1 - wz) * wy * (1 - wx));
                        r += maps[rAB + xb][v] * ((1 - wz) * wy * wx);
                        r += maps[rBA + xa][v] * (wz * (1 - wy) * (1 - wx));
                        r += maps[rBA + xb][v] * (wz * (1 - wy) * wx);
                        r += maps[rBB + xa][v] * (wz * wy * (1 - wx));
                        r += maps[rBB + xb][v] * (wz * wy * wx);
                        float q = (float) Math.floor(r);     // astype(uint16) truncates
                        data[row + x] = q;
                        if (q < mn) mn = q;
                        if (q > mx) mx = q;
                    }
                }
            }
            synchronized (lock) { mm[0] = Math.min(mm[0], mn); mm[1] = Math.max(mm[1], mx); }
        });
        float qlo = mm[0], qr = mm[1] - mm[0];
        Parallel.forRange(data.length, 1 << 16, (a, b) -> {
            for (int i = a; i < b; i++) data[i] = qr > 0 ? (data[i] - qlo) / qr : 0f;
        });
        return data;
    }

    private static float toUint(float v) {
        float c = v < 0 ? 0 : (v > 1 ? 1 : v);
        return (float) Math.rint(c * 65535.0);
    }

    private static int ceilDiv(int a, int b) { return (a + b - 1) / b; }

    /** numpy 'reflect' padding (edge not repeated) for indices up to one period outside. */
    static int reflect(int i, int n) {
        if (n == 1) return 0;
        int period = 2 * (n - 1);
        i = Math.floorMod(i, period);
        return i < n ? i : period - i;
    }

    /** skimage's clip_histogram: clip at the limit and redistribute the excess, in place. */
    static void clipHistogram(long[] hist, long clipLimit) {
        int nb = hist.length;
        long nExcess = 0;
        for (int i = 0; i < nb; i++) if (hist[i] > clipLimit) { nExcess += hist[i] - clipLimit; hist[i] = clipLimit; }
        long binIncr = nExcess / nb;
        long upper = clipLimit - binIncr;
        for (int i = 0; i < nb; i++) if (hist[i] < upper) { hist[i] += binIncr; nExcess -= binIncr; }
        // as in skimage, the middle band is taken after the increment above
        for (int i = 0; i < nb; i++) if (hist[i] >= upper && hist[i] < clipLimit) { nExcess += hist[i] - clipLimit; hist[i] = clipLimit; }
        while (nExcess > 0) {
            long prev = nExcess;
            for (int index = 0; index < nb; index++) {
                long under = 0;
                for (long h : hist) if (h < clipLimit) under++;
                int stepSize = (int) Math.max(1, under / nExcess);
                for (int i = index; i < nb; i += stepSize)
                    if (hist[i] < clipLimit) { hist[i]++; nExcess--; }
                if (nExcess <= 0) break;
            }
            if (prev == nExcess) break;
        }
    }

    /** skimage's map_histogram: scaled cumulative histogram, truncated to int. */
    static int[] mapHistogram(long[] hist, int maxVal, long nPixels) {
        int[] out = new int[hist.length];
        double scale = (double) maxVal / nPixels, cum = 0;
        for (int i = 0; i < hist.length; i++) {
            cum += hist[i];
            out[i] = (int) Math.min(cum * scale, maxVal);
        }
        return out;
    }
}
