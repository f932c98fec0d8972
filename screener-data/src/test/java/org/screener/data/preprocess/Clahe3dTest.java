package org.screener.data.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class Clahe3dTest {
    @Test void outputSpansZeroToOne() {
        int nx = 23, ny = 19, nz = 17;
        float[] v = new float[nx * ny * nz];
        SplittableRandom rng = new SplittableRandom(3);
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.pow(rng.nextDouble(), 3) * 0.6f + 0.1f;
        Clahe3d.apply(v, nx, ny, nz, Clahe3d.defaultKernel(nx, ny, nz, 1.0 / 8), 0.05, 256);
        float lo = 1, hi = 0;
        for (float x : v) { assertFalse(Float.isNaN(x)); lo = Math.min(lo, x); hi = Math.max(hi, x); }
        assertEquals(0f, lo);
        assertEquals(1f, hi);
    }

    private static float[] ramp(int nx, int ny, int nz, int period) {
        float[] v = new float[nx * ny * nz];
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) v[(z * ny + y) * nx + x] = (x % period) / (period - 1f);
        return v;
    }

    @Test void rampMatchesScikitImage() {
        // skimage 0.19.3 exposure.equalize_adapthist(ramp, clip_limit=0.05) on the (z, y, x) = (8, 9, 64) ramp
        // x / 63: the contextual mappings make the result periodic, not monotone, along the ramp
        int nx = 64, ny = 9, nz = 8;
        float[] v = Clahe3d.apply(ramp(nx, ny, nz, nx), nx, ny, nz, Clahe3d.defaultKernel(nx, ny, nz, 1.0 / 8), 0.05, 256);
        float[] row0 = {0.0f, 0.1428571492433548f, 0.2857142984867096f, 0.4285714328289032f, 0.5714285969734192f, 0.6071428656578064f,
                0.6071428656578064f, 0.5714285969734192f, 0.5f, 0.4642857015132904f, 0.4642857015132904f, 0.5f, 0.5714285969734192f,
                0.6071428656578064f, 0.6071428656578064f, 0.5714285969734192f};
        float[] row54 = {0.5f, 0.4642857015132904f, 0.4642857015132904f, 0.5f, 0.5714285969734192f, 0.6071428656578064f,
                0.6071428656578064f, 0.5714285969734192f, 0.5f, 0.4642857015132904f, 0.4642857015132904f, 0.5f, 0.5714285969734192f,
                0.6071428656578064f, 0.6071428656578064f, 0.5714285969734192f};
        for (int i = 0; i < 16; i++) {
            assertEquals(row0[i], v[i], 1e-6f, "z0 y0 x" + i);
            assertEquals(row54[i], v[(5 * ny + 4) * nx + 40 + i], 1e-6f, "z5 y4 x" + (40 + i));
        }
    }

    @Test void monotoneInValueWhenTilesShareOneHistogram() {
        // a ramp repeating with the tile period: every tile has the same histogram, so the output is one
        // increasing function of the input value everywhere
        int nx = 64, ny = 16, nz = 8, period = 8;
        float[] in = ramp(nx, ny, nz, period);
        float[] out = Clahe3d.apply(in.clone(), nx, ny, nz, Clahe3d.defaultKernel(nx, ny, nz, 1.0 / 8), 0.05, 256);
        float[] byValue = Arrays.copyOf(out, period);
        for (int x = 1; x < period; x++) assertTrue(byValue[x] > byValue[x - 1], "not increasing at " + x + ": " + Arrays.toString(byValue));
        for (int i = 0; i < in.length; i++) assertEquals(byValue[Math.round(in[i] * (period - 1))], out[i], 1e-6f, "voxel " + i);
        // one tile covering the image: plain (clipped) equalisation keeps a ramp monotone
        float[] one = Clahe3d.apply(ramp(nx, 4, 4, nx), nx, 4, 4, new int[]{nx, 4, 4}, 0.05, 256);
        for (int x = 1; x < nx; x++) assertTrue(one[x] >= one[x - 1], "single tile: not monotone at " + x);
    }

    @Test void skewedButSpatiallyUniformImageIsEqualised() {
        // i.i.d. u^1.5: every tile has the same skewed histogram, below the clip limit → output histogram flat
        int nx = 32, ny = 32, nz = 24;
        float[] v = new float[nx * ny * nz];
        SplittableRandom rng = new SplittableRandom(5);
        for (int i = 0; i < v.length; i++) v[i] = (float) Math.pow(rng.nextDouble(), 1.5);
        int[] before = hist8(v);
        assertTrue(before[0] > 1.7 * v.length / 8, "input should be skewed: " + Arrays.toString(before));
        Clahe3d.apply(v, nx, ny, nz, Clahe3d.defaultKernel(nx, ny, nz, 1.0 / 8), 0.05, 256);
        int[] h = hist8(v);
        double mean = v.length / 8.0;
        for (int b = 0; b < 8; b++) assertEquals(mean, h[b], 0.1 * mean, "bin " + b + " of " + Arrays.toString(h));
    }

    private static int[] hist8(float[] v) {
        int[] h = new int[8];
        for (float x : v) h[Math.min(7, (int) (x * 8))]++;
        return h;
    }

    @Test void constantImageGivesZeros() {
        float[] v = new float[5 * 6 * 7];
        Arrays.fill(v, 0.3f);
        Clahe3d.apply(v, 5, 6, 7, new int[]{1, 1, 1}, 0.05, 256);
        for (float x : v) assertEquals(0f, x);
    }

    @Test void clipHistogramMatchesScikitImage() {
        // expected values: skimage 0.19.3 exposure._adapthist.clip_histogram
        check(new long[]{0, 9, 1, 12, 2, 0, 7}, 8, new long[]{1, 8, 2, 8, 3, 1, 8});
        check(new long[]{20, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0}, 5, new long[]{5, 1, 2, 1, 3, 1, 2, 1, 2, 1, 2, 1});
        check(new long[]{3, 3, 1, 40, 3, 0, 3, 3, 2, 3}, 9, new long[]{9, 9, 4, 9, 9, 3, 9, 9, 5, 9});
        check(new long[]{9, 9, 9, 9, 0, 0, 0, 0}, 6, new long[]{6, 6, 6, 6, 3, 3, 3, 3});
        check(new long[]{0, 9, 1, 30, 2, 0, 7}, 5, new long[]{5, 5, 5, 5, 5, 5, 5});
    }

    private static void check(long[] h, long clip, long[] expect) {
        Clahe3d.clipHistogram(h, clip);
        assertArrayEquals(expect, h);
    }

    @Test void reflectMatchesNumpy() {
        // numpy.pad(range(4), 3, 'reflect') = 3 2 1 | 0 1 2 3 | 2 1 0
        int[] expect = {3, 2, 1, 0, 1, 2, 3, 2, 1, 0};
        for (int i = -3; i < 7; i++) assertEquals(expect[i + 3], Clahe3d.reflect(i, 4));
    }
}
