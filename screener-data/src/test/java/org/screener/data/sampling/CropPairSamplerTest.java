package org.screener.data.sampling;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.screener.data.Volume;

class CropPairSamplerTest {
    static final int NX = 41, NY = 37, NZ = 29;
    static final double[] SP = {1.5, 1.5, 2.25};

    /** Volume whose voxel value is its own coordinate along the given axis. */
    static Volume coordVolume(int axis) {
        float[] d = new float[NX * NY * NZ];
        for (int z = 0; z < NZ; z++) for (int y = 0; y < NY; y++) for (int x = 0; x < NX; x++)
            d[(z * NY + y) * NX + x] = axis == 0 ? x : axis == 1 ? y : z;
        return Volume.ofFloats(NX, NY, NZ, d, SP, Volume.diagonalAffine(SP, null));
    }

    static CropPairConfig small() {
        CropPairConfig c = CropPairConfig.descriptor();
        c.cropSize = new int[]{16, 12, 8};
        c.minSpacing = new double[]{0.8, 0.8, 1.2};
        c.maxSpacing = new double[]{4, 4, 6};
        c.nVoxels = 300;
        c.maskBlock = new int[]{4, 4, 2};
        return c;
    }

    @Test void sampledIndicesShowTheSameWorldPoint() {
        CropPairConfig c = small();
        c.colorAugment = false;
        CropPairSampler s = new CropPairSampler(c);
        int[] out = c.cropSize;
        for (long seed = 0; seed < 40; seed++) {
            CropPair[] p = new CropPair[3];
            for (int a = 0; a < 3; a++) p[a] = s.sample(coordVolume(a), new SplittableRandom(seed));
            CropPair.Geometry g = p[0].geometry();
            AxisTransform tr = g.transform();
            for (int a = 1; a < 3; a++) {       // the geometry does not depend on voxel values
                assertArrayEquals(p[0].idx1(), p[a].idx1());
                assertArrayEquals(p[0].idx2(), p[a].idx2());
            }
            for (int i = 0; i < c.nVoxels; i++) {
                assertTrue(p[0].idx1()[i] >= 0 && p[0].idx1()[i] < c.cropVoxels());
                assertTrue(p[0].idx2()[i] >= 0 && p[0].idx2()[i] < c.cropVoxels());
                double[] t = {g.points()[3 * i], g.points()[3 * i + 1], g.points()[3 * i + 2]};
                double[] src = tr.toSource(t);
                for (int ta = 0; ta < 3; ta++) {
                    int sa = tr.axis[ta];
                    double v1 = p[sa].view1()[p[sa].idx1()[i]], v2 = p[sa].view2()[p[sa].idx2()[i]];
                    double tol1 = 0.5 * g.size1()[ta] / out[ta] + 1e-4, tol2 = 0.5 * g.size2()[ta] / out[ta] + 1e-4;
                    assertEquals(src[sa], v1, tol1, "seed " + seed + " point " + i + " axis " + ta + " view 1");
                    assertEquals(src[sa], v2, tol2, "seed " + seed + " point " + i + " axis " + ta + " view 2");
                }
            }
        }
    }

    @Test void cropsOverlapAndFitTheVolume() {
        CropPairSampler s = new CropPairSampler(small());
        CropPairConfig c = s.config();
        for (long seed = 0; seed < 200; seed++) {
            CropPair p = s.sample(coordVolume(0), new SplittableRandom(seed));
            CropPair.Geometry g = p.geometry();
            int[] dims = g.transform().dims();
            for (int a = 0; a < 3; a++) {
                int s1 = g.size1()[a], s2 = g.size2()[a];
                assertTrue(g.lo1()[a] >= 0 && g.lo1()[a] + s1 <= dims[a], "crop 1 outside on axis " + a);
                assertTrue(g.lo2()[a] >= 0 && g.lo2()[a] + s2 <= dims[a], "crop 2 outside on axis " + a);
                int ov = g.ovHi()[a] - g.ovLo()[a], small = Math.min(s1, s2);
                assertEquals(Math.max(g.lo1()[a], g.lo2()[a]), g.ovLo()[a]);
                assertEquals(Math.min(g.lo1()[a] + s1, g.lo2()[a] + s2), g.ovHi()[a]);
                assertTrue(ov >= 1 && ov <= small, "overlap " + ov + " of " + small);
                assertTrue(ov >= c.minOverlap * small - 0.5, "overlap fraction " + (double) ov / small + " below " + c.minOverlap);
                // view spacing within range unless capped by the volume size
                double cap = dims[a] * g.transform().spacing(SP)[a] / c.cropSize[a];
                for (double v : new double[]{g.spacing1()[a], g.spacing2()[a]}) {
                    double step = g.transform().spacing(SP)[a] / c.cropSize[a];     // one source voxel of rounding
                    assertTrue(v <= Math.min(c.maxSpacing[a], cap) + step && v >= Math.min(c.minSpacing[a], cap) - step, "spacing " + v);
                }
            }
            for (int i = 0; i < c.nVoxels; i++) for (int a = 0; a < 3; a++) {
                int q = g.points()[3 * i + a];
                assertTrue(q >= g.ovLo()[a] && q < g.ovHi()[a]);
            }
        }
    }

    @Test void sameSeedSameResultDifferentSeedDifferentResult() {
        CropPairConfig c = small();
        c.maskProb = 0.5;
        CropPairSampler s = new CropPairSampler(c);
        Volume v = CropPairSamplerTest.noise(3);
        CropPair a = s.sample(v, new SplittableRandom(77)), b = s.sample(v, new SplittableRandom(77)), d = s.sample(v, new SplittableRandom(78));
        assertArrayEquals(a.view1(), b.view1());
        assertArrayEquals(a.view2(), b.view2());
        assertArrayEquals(a.idx1(), b.idx1());
        assertArrayEquals(a.idx2(), b.idx2());
        assertArrayEquals(a.mask1(), b.mask1());
        assertArrayEquals(a.mask2(), b.mask2());
        assertFalse(Arrays.equals(a.view1(), d.view1()));
        assertFalse(Arrays.equals(a.idx1(), d.idx1()));
    }

    static Volume noise(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] d = new float[NX * NY * NZ];
        for (int i = 0; i < d.length; i++) d[i] = (float) r.nextDouble();
        return Volume.ofFloats(NX, NY, NZ, d, SP, Volume.diagonalAffine(SP, null));
    }

    @Test void blockMasksHaveTheConfiguredRatio() {
        CropPairConfig c = small();
        c.maskProb = 1.0;
        int blocks = (16 / 4) * (12 / 4) * (8 / 2);
        float expectZero = (float) Math.floor(0.6 * blocks) / blocks;
        CropPairSampler s = new CropPairSampler(c);
        for (long seed = 0; seed < 10; seed++) {
            CropPair p = s.sample(noise(1), new SplittableRandom(seed));
            for (float[] m : new float[][]{p.mask1(), p.mask2()}) {
                int zeros = 0;
                for (float x : m) { assertTrue(x == 0f || x == 1f); if (x == 0f) zeros++; }
                assertEquals(expectZero, (float) zeros / m.length, 1e-6f);
            }
            assertFalse(Arrays.equals(p.mask1(), p.mask2()), "views are masked independently");
        }
        // blocks are whole: every 4×4×2 block is constant
        float[] m = s.sample(noise(1), new SplittableRandom(3)).mask1();
        for (int z = 0; z < 8; z++) for (int y = 0; y < 12; y++) for (int x = 0; x < 16; x++)
            assertEquals(m[((z / 2 * 2) * 12 + y / 4 * 4) * 16 + x / 4 * 4], m[(z * 12 + y) * 16 + x]);
        // probability p: about half the views masked
        c.maskProb = 0.5;
        int masked = 0, n = 400;
        SplittableRandom rng = new SplittableRandom(11);
        for (int i = 0; i < n; i++) {
            float[] mm = BlockMask.draw(c.cropSize, c.maskBlock, c.maskRatio, c.maskProb, rng);
            if (containsZero(mm)) masked++;
        }
        assertEquals(0.5, (double) masked / n, 0.08);
        // descriptor default: never masked
        float[] none = BlockMask.draw(c.cropSize, c.maskBlock, 0.6, 0.0, rng);
        assertFalse(containsZero(none));
    }

    private static boolean containsZero(float[] m) { for (float x : m) if (x == 0f) return true; return false; }

    @Test void virtualFlipsAndRotationsMatchMaterialisedOnes() {
        int nx = 5, ny = 3, nz = 2;
        float[] d = new float[nx * ny * nz];
        for (int i = 0; i < d.length; i++) d[i] = i;
        for (int k = 0; k < 4; k++) for (int f = 0; f < 8; f++) {
            boolean fx = (f & 1) != 0, fy = (f & 2) != 0, fz = (f & 4) != 0;
            // materialise: flips, then k times T'(a, b, c) = T(nTx - 1 - b, a, c)
            float[][][] t = new float[nz][ny][nx];
            for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++)
                t[z][y][x] = d[((fz ? nz - 1 - z : z) * ny + (fy ? ny - 1 - y : y)) * nx + (fx ? nx - 1 - x : x)];
            for (int r = 0; r < k; r++) {
                int tx = t[0][0].length, ty = t[0].length;
                float[][][] u = new float[nz][tx][ty];     // new dims: x' over ty, y' over tx
                for (int z = 0; z < nz; z++) for (int b = 0; b < tx; b++) for (int a = 0; a < ty; a++) u[z][b][a] = t[z][a][tx - 1 - b];
                t = u;
            }
            AxisTransform tr = new AxisTransform(new int[]{nx, ny, nz}, fx, fy, fz, k);
            assertArrayEquals(new int[]{t[0][0].length, t[0].length, nz}, tr.dims());
            for (int z = 0; z < nz; z++) for (int y = 0; y < tr.dim(1); y++) for (int x = 0; x < tr.dim(0); x++) {
                double[] s = tr.toSource(new double[]{x, y, z});
                assertEquals(t[z][y][x], d[(((int) s[2]) * ny + (int) s[1]) * nx + (int) s[0]], "k " + k + " flips " + f);
            }
        }
    }

    @Test void colourAugmentationRespectsRanges() {
        CropPairConfig c = small();
        c.blurSharpenProb = 0; c.noiseProb = 0; c.contrastProb = 0; c.gammaProb = 0; c.brightnessProb = 0;
        SplittableRandom rng = new SplittableRandom(2);
        float[] v = new float[16 * 12 * 8];
        for (int i = 0; i < v.length; i++) v[i] = 0.2f + 0.5f * (float) rng.nextDouble();
        float[] w = v.clone();
        ColorAugment.apply(w, 16, 12, 8, new double[]{1, 1, 1}, c, rng);
        assertArrayEquals(v, w, "all probabilities 0: unchanged");
        c.brightnessProb = 1; c.contrastProb = 1; c.gammaProb = 1;
        for (int t = 0; t < 20; t++) {
            float[] x = v.clone();
            ColorAugment.apply(x, 16, 12, 8, new double[]{1, 1, 1}, c, rng);
            for (float f : x) assertTrue(f >= 0.2f - 1e-6f && f <= 0.7f + 1e-6f, "value " + f + " left the crop's range");
        }
        // blur keeps a constant image constant and preserves the mean of a plane
        float[] k = new float[16 * 12 * 8];
        Arrays.fill(k, 0.4f);
        ColorAugment.blurInPlane(k, 16, 12, 8, 1.3, 0.9);
        for (float f : k) assertEquals(0.4f, f, 1e-6f);
        // blur against a direct 2D convolution with replicated edges
        int nx = 7, ny = 5, nz = 2;
        float[] img = new float[nx * ny * nz], ref = new float[nx * ny * nz];
        for (int i = 0; i < img.length; i++) img[i] = (float) rng.nextDouble();
        float[] kx = ColorAugment.kernel(0.8), ky = ColorAugment.kernel(1.7);
        int rx = kx.length / 2, ry = ky.length / 2;
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) {
            double s = 0;
            for (int b = -ry; b <= ry; b++) for (int a = -rx; a <= rx; a++)
                s += kx[a + rx] * ky[b + ry] * img[(z * ny + Math.min(ny - 1, Math.max(0, y + b))) * nx + Math.min(nx - 1, Math.max(0, x + a))];
            ref[(z * ny + y) * nx + x] = (float) s;
        }
        ColorAugment.blurInPlane(img, nx, ny, nz, 0.8, 1.7);
        assertArrayEquals(ref, img, 1e-5f);
        // gamma table against Math.pow
        float[] g = new float[1001];
        for (int i = 0; i < g.length; i++) g[i] = 0.1f + 0.6f * i / 1000f;
        float[] gg = g.clone();
        ColorAugment.gamma(gg, 0.1f, 0.6f, 0.8);
        for (int i = 0; i < g.length; i++) assertEquals(0.1 + 0.6 * Math.pow((g[i] - 0.1) / 0.6, 0.8), gg[i], 2e-4);
    }
}
