package org.screener.data.preprocess;

import static org.junit.jupiter.api.Assertions.*;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.screener.data.Volume;

class ResampleTest {
    private static double[][] aff(double[] sp, double[] origin) { return Volume.diagonalAffine(sp, origin); }

    @Test void handComputedTrilinearAndNearest() {
        // x values 0, 1, 4, 9, 16 (rows repeated); step 1.5 → samples at x = 0, 1.5, 3 → 0, 2.5, 9
        float[] d = new float[5 * 2 * 1];
        for (int y = 0; y < 2; y++) for (int x = 0; x < 5; x++) d[y * 5 + x] = x * x;
        Volume v = Volume.ofFloats(5, 2, 1, d, new double[]{1, 1, 1}, aff(new double[]{1, 1, 1}, null));
        assertEquals(3, Resample.outSize(5, 1.5));
        float[] r = Resample.trilinear(v, new int[]{0, 0, 0}, new int[]{5, 2, 1}, new int[]{3, 1, 1}, new double[]{1.5, 1.5, 1});
        assertArrayEquals(new float[]{0f, 2.5f, 9f}, r, 0f);
        short[] lab = new short[10];
        for (int i = 0; i < 10; i++) lab[i] = (short) (i % 5);
        Volume m = Volume.ofShorts(5, 2, 1, lab, new double[]{1, 1, 1}, aff(new double[]{1, 1, 1}, null));
        // nearest: 0 → 0, 1.5 → 2 (half up), 3 → 3
        assertArrayEquals(new short[]{0, 2, 3}, Resample.nearest(m, new int[]{0, 0, 0}, new int[]{5, 2, 1}, new int[]{3, 1, 1}, new double[]{1.5, 1.5, 1}));
        // box offset: samples at x = 1, 2.5 within [1, 5)
        float[] r2 = Resample.trilinear(v, new int[]{1, 0, 0}, new int[]{5, 2, 1}, new int[]{2, 1, 1}, new double[]{1.5, 1, 1});
        assertArrayEquals(new float[]{1f, 6.5f}, r2, 0f);
    }

    @Test void linearFunctionIsReproducedInThreeDimensions() {
        int nx = 13, ny = 11, nz = 7;
        short[] d = new short[nx * ny * nz];
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) d[(z * ny + y) * nx + x] = (short) (3 * x - 2 * y + 5 * z);
        Volume v = Volume.ofShorts(nx, ny, nz, d, new double[]{1, 1, 1}, aff(new double[]{1, 1, 1}, null));
        int[] lo = {2, 1, 1}, hi = {12, 10, 7};
        double[] step = {0.7, 1.3, 0.45};
        int[] out = new int[3];
        for (int a = 0; a < 3; a++) out[a] = Resample.outSize(hi[a] - lo[a], step[a]);
        float[] r = Resample.trilinear(v, lo, hi, out, step);
        for (int z = 0; z < out[2]; z++) for (int y = 0; y < out[1]; y++) for (int x = 0; x < out[0]; x++) {
            double sx = lo[0] + x * step[0], sy = lo[1] + y * step[1], sz = lo[2] + z * step[2];
            assertTrue(sx <= hi[0] - 1 + 1e-9 && sy <= hi[1] - 1 + 1e-9 && sz <= hi[2] - 1 + 1e-9);
            assertEquals(3 * sx - 2 * sy + 5 * sz, r[(z * out[1] + y) * out[0] + x], 1e-4);
        }
    }

    @Test void inverseMappingRoundTrip() {
        int nx = 37, ny = 29, nz = 23;
        double[] sp = {0.8, 0.9, 1.7};
        double[][] A = aff(sp, new double[]{-100, 20, 300});
        A[0][1] = 0.05;   // a slight shear: the affine must still compose exactly
        int[] lo = {3, 2, 1}, hi = {33, 27, 20};
        double[] target = {1.5, 1.5, 2.25};
        int[] out = new int[3];
        double[] step = new double[3];
        for (int a = 0; a < 3; a++) { step[a] = target[a] / sp[a]; out[a] = Resample.outSize(hi[a] - lo[a], step[a]); }
        PreprocessGeometry g = new PreprocessGeometry(new int[]{nx, ny, nz}, sp, A, lo, hi, out, target);

        // map of ones comes back as ones inside the crop and fill outside
        float[] ones = new float[out[0] * out[1] * out[2]];
        java.util.Arrays.fill(ones, 1f);
        float[] back = g.toOriginal(ones, -7f);
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) {
            boolean in = x >= lo[0] && x < hi[0] && y >= lo[1] && y < hi[1] && z >= lo[2] && z < hi[2];
            assertEquals(in ? 1f : -7f, back[(z * ny + y) * nx + x], 0f);
        }

        // a linear image → resample → back: exact wherever the preprocessed grid covers the voxel
        float[] img = new float[nx * ny * nz];
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) img[(z * ny + y) * nx + x] = 0.5f * x + 0.25f * y - 0.75f * z;
        Volume v = Volume.ofFloats(nx, ny, nz, img, sp, A);
        float[] pre = Resample.trilinear(v, lo, hi, out, step);
        float[] rt = g.toOriginal(pre, Float.NaN);
        for (int z = lo[2]; z < hi[2]; z++) for (int y = lo[1]; y < hi[1]; y++) for (int x = lo[0]; x < hi[0]; x++) {
            if ((x - lo[0]) / step[0] > out[0] - 1 || (y - lo[1]) / step[1] > out[1] - 1 || (z - lo[2]) / step[2] > out[2] - 1) continue;
            int i = (z * ny + y) * nx + x;
            assertEquals(img[i], rt[i], 1e-4, "voxel " + x + "," + y + "," + z);
        }

        // the preprocessed affine puts voxel o at the world point of original coordinate lo + o·step
        double[][] B = g.outAffine();
        SplittableRandom rng = new SplittableRandom(1);
        for (int t = 0; t < 20; t++) {
            int[] o = {rng.nextInt(out[0]), rng.nextInt(out[1]), rng.nextInt(out[2])};
            for (int r = 0; r < 3; r++) {
                double wB = B[r][3], wA = A[r][3];
                for (int c = 0; c < 3; c++) { wB += B[r][c] * o[c]; wA += A[r][c] * (lo[c] + o[c] * step[c]); }
                assertEquals(wA, wB, 1e-9);
            }
        }
    }

    @Test void intensityWindow() {
        float[] v = {-2000, -1000, -350, 300, 1000, -675};
        Intensity.clipAndScale(v, -1000, 300);
        assertArrayEquals(new float[]{0, 0, 0.5f, 1, 1, 0.25f}, v, 1e-6f);
    }

    @Test void pipelineOnPhantom() {
        Volume ph = BodyCropTest.phantom();
        short[] lab = new short[(int) ph.size()];
        lab[(14 * ph.ny + 17) * ph.nx + 20] = 3;
        Volume mask = Volume.ofShorts(ph.nx, ph.ny, ph.nz, lab, ph.spacing(), ph.affine());
        Preprocessed p = Preprocessor.run(ph, mask, PreprocessConfig.defaults());
        PreprocessGeometry g = p.geometry();
        assertArrayEquals(new int[]{10, 5, 6}, g.cropLo);
        assertArrayEquals(new int[]{30, 30, 24}, g.cropHi);
        // extents 20, 25, 18 voxels at 1, 1, 2 mm → step 1.5, 1.5, 1.125 → floor(19/1.5)+1 = 13, 17, floor(17/1.125)+1 = 16
        assertArrayEquals(new int[]{13, 17, 16}, g.outDims);
        assertArrayEquals(new int[]{13, 17, 16}, p.image().dims());
        assertArrayEquals(new double[]{1.5, 1.5, 2.25}, p.image().spacing());
        float[] r = p.image().range();
        assertTrue(r[0] >= 0 && r[1] <= 1, "range " + r[0] + ".." + r[1]);
        float[] back = g.toOriginal(p.image().floats(), 0f);
        assertEquals(ph.size(), back.length);
        assertEquals(p.image().size(), p.mask().size());
    }
}
