package org.screener.data.synth;

import org.junit.jupiter.api.Test;
import org.screener.core.cpu.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class PhantomTest {
    static final List<LesionKind> ALL_TWICE = new ArrayList<>();
    static {
        ALL_TWICE.addAll(List.of(LesionKind.values()));
        ALL_TWICE.addAll(List.of(LesionKind.values()));
    }

    static SynthCase gen(SynthConfig cfg, long seed, List<LesionKind> kinds, boolean free, int threads) {
        int old = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            return Phantom.generate(cfg, seed, kinds, free);
        } finally {
            Parallel.setThreads(old);
        }
    }

    @Test void sameSeedSameBytesForAnyThreadCount() {
        SynthConfig cfg = SynthConfig.tiny();
        SynthCase a = gen(cfg, 42, ALL_TWICE, false, 1);
        SynthCase b = gen(cfg, 42, ALL_TWICE, false, 2);
        SynthCase c = gen(cfg, 43, ALL_TWICE, false, 2);
        assertArrayEquals(a.image.shorts(), b.image.shorts());
        assertArrayEquals(a.mask.shorts(), b.mask.shorts());
        assertArrayEquals(a.tissue, b.tissue);
        assertFalse(a.lesions.isEmpty());
        assertFalse(Arrays.equals(a.image.shorts(), c.image.shorts()), "another seed gives another scan");
    }

    @Test void subjectsDiffer() {
        SynthConfig cfg = SynthConfig.tiny();
        Anatomy a = Anatomy.sample(cfg, 1), b = Anatomy.sample(cfg, 2);
        assertNotEquals(a.bodyA, b.bodyA);
        assertNotEquals(a.liverRx, b.liverRx);
        assertNotEquals(a.kidZR, b.kidZR);
    }

    /** Interior voxels (3x3x3 of one class) of every tissue stay within its HU bounds when noise is off; noise has the drawn sigma. */
    @Test void tissueHuRangesAndNoise() {
        SynthConfig quiet = SynthConfig.small().withNoise(0, 0);
        SynthConfig noisy = SynthConfig.small().withNoise(15, 15);
        SynthCase q = gen(quiet, 7, List.of(), false, 2);
        SynthCase n = gen(noisy, 7, List.of(), false, 2);
        assertArrayEquals(q.tissue, n.tissue);
        int nx = quiet.nx, ny = quiet.ny, nz = quiet.nz;
        short[] img = q.image.shorts(), noisyImg = n.image.shorts();
        int[] interior = new int[Tissue.COUNT];
        int[] present = new int[Tissue.COUNT];
        double[] texSum = new double[Tissue.COUNT], texSum2 = new double[Tissue.COUNT];
        double sum = 0, sum2 = 0;
        long cnt = 0;
        for (int k = 1; k < nz - 1; k++) for (int j = 1; j < ny - 1; j++) for (int i = 1; i < nx - 1; i++) {
            int v = (k * ny + j) * nx + i;
            int t = q.tissue[v];
            present[t]++;
            boolean in = true;
            for (int dk = -1; dk <= 1 && in; dk++) for (int dj = -1; dj <= 1 && in; dj++) for (int di = -1; di <= 1 && in; di++)
                in = q.tissue[((k + dk) * ny + j + dj) * nx + i + di] == t;
            if (!in) continue;
            interior[t]++;
            double[] b = Anatomy.huBounds((byte) t);
            if (t == Tissue.LUNG) {
                // lung voxels may hold a sub-half partial volume of a vessel
                assertTrue(img[v] >= b[0] - 1 && img[v] <= (b[1] + Tissue.hu(Tissue.LUNG_VESSEL)) / 2 + 1, "lung voxel " + img[v]);
            } else if (t != Tissue.LUNG_VESSEL) {
                assertTrue(img[v] >= b[0] - 1 && img[v] <= b[1] + 1, Tissue.name(t) + " interior voxel " + img[v]);
            }
            if (t == Tissue.LIVER || t == Tissue.LUNG) { texSum[t] += img[v]; texSum2[t] += (double) img[v] * img[v]; }
            double d = noisyImg[v] - img[v];
            sum += d; sum2 += d * d; cnt++;
        }
        for (byte t : new byte[]{Tissue.AIR, Tissue.FAT, Tissue.MUSCLE, Tissue.LUNG, Tissue.LIVER, Tissue.SPLEEN, Tissue.KIDNEY_CORTEX,
                Tissue.BONE_CANCELLOUS, Tissue.AORTA, Tissue.HEART, Tissue.BOWEL})
            assertTrue(interior[t] > 0, Tissue.name(t) + " has interior voxels");
        for (byte t : new byte[]{Tissue.LUNG_VESSEL, Tissue.KIDNEY_MEDULLA, Tissue.BONE_CORTICAL, Tissue.DISC, Tissue.CSF})
            assertTrue(present[t] > 0, Tissue.name(t) + " present");
        // organs are not flat: the smooth texture gives a spread, but far below the tissue contrasts
        for (byte t : new byte[]{Tissue.LIVER, Tissue.LUNG}) {
            double m = texSum[t] / interior[t], s = Math.sqrt(texSum2[t] / interior[t] - m * m);
            // lung also holds sub-half vessel partial volumes
            assertTrue(s > 1 && s < (t == Tissue.LUNG ? 60 : 15), Tissue.name(t) + " texture sd " + s);
            assertEquals(Tissue.hu(t), m, t == Tissue.LUNG ? 40 : 6, Tissue.name(t) + " mean");
        }
        double mean = sum / cnt, sd = Math.sqrt(sum2 / cnt - mean * mean);
        assertEquals(0, mean, 0.5);
        assertEquals(15, sd, 1.0, "noise sigma");
        // correlated in-plane: neighbours along x are positively correlated, along z not
        double cx = 0, cz = 0, vv = 0;
        for (int k = 0; k < nz - 1; k++) for (int j = 0; j < ny; j++) for (int i = 0; i < nx - 1; i++) {
            int v = (k * ny + j) * nx + i;
            if (q.tissue[v] != Tissue.AIR || q.tissue[v + 1] != Tissue.AIR || q.tissue[v + nx * ny] != Tissue.AIR) continue;
            double a = noisyImg[v] - img[v];
            cx += a * (noisyImg[v + 1] - img[v + 1]); cz += a * (noisyImg[v + nx * ny] - img[v + nx * ny]); vv += a * a;
        }
        assertTrue(cx / vv > 0.4 && cx / vv < 0.8, "x correlation " + cx / vv);
        assertEquals(0, cz / vv, 0.1, "z correlation");
    }

    /** Mask = host voxels where the image changed by at least the lesion's threshold (±1 for rounding), nothing else changed. */
    @Test void lesionsInHostAndMaskMatchesImageChange() {
        SynthConfig cfg = SynthConfig.tiny();
        int placed = 0;
        for (long seed = 1; seed <= 3; seed++) {
            SynthCase c = gen(cfg, seed, ALL_TWICE, true, 2);
            short[] img = c.image.shorts(), free = c.lesionFree.shorts(), mask = c.mask.shorts();
            int nx = cfg.nx, ny = cfg.ny;
            boolean[] inBox = new boolean[img.length];
            for (Lesion l : c.lesions) {
                placed++;
                assertTrue(l.voxels > 0, l.describe());
                int count = 0;
                for (int k = l.k0; k <= l.k1; k++) for (int j = l.j0; j <= l.j1; j++) for (int i = l.i0; i <= l.i1; i++) {
                    int v = (k * ny + j) * nx + i;
                    assertFalse(inBox[v], "lesion reaches overlap");
                    inBox[v] = true;
                    int diff = Math.abs(img[v] - free[v]);
                    boolean host = l.kind == LesionKind.GGO ? c.tissue[v] == Tissue.LUNG : l.kind.isHost(c.tissue[v]);
                    if (mask[v] != 0) {
                        assertEquals(l.kind.label, mask[v]);
                        assertTrue(host, "mask voxel outside host: " + l.describe() + " tissue " + Tissue.name(c.tissue[v]));
                        assertTrue(diff >= l.thresholdHu - 1, "mask voxel with change " + diff + ": " + l.describe());
                        count++;
                    } else if (host) {
                        assertTrue(diff <= l.thresholdHu + 1, "unmasked host voxel with change " + diff + ": " + l.describe());
                    }
                }
                assertEquals(l.voxels, count);
            }
            for (int v = 0; v < img.length; v++) if (!inBox[v]) {
                assertEquals(0, mask[v]);
                assertEquals(free[v], img[v], "image changed outside every lesion's reach");
            }
            // the lesion-free rendering is exactly the plain scan of that seed
            assertArrayEquals(gen(cfg, seed, List.of(), false, 1).image.shorts(), free);
        }
        assertTrue(placed >= 12, "placed " + placed + " of 36 lesions");
    }

    @Test void lesionSizesWithinRequestedRange() {
        SynthConfig cfg = SynthConfig.small();
        double[] sp = cfg.spacing();
        for (long seed = 5; seed <= 6; seed++) {
            SynthCase c = gen(cfg, seed, ALL_TWICE, false, 2);
            short[] mask = c.mask.shorts();
            for (Lesion l : c.lesions) {
                assertTrue(l.diameterMm >= l.kind.minDiameterMm && l.diameterMm <= l.kind.maxDiameterMm, l.describe());
                int[] lo = {Integer.MAX_VALUE, Integer.MAX_VALUE, Integer.MAX_VALUE}, hi = {-1, -1, -1};
                for (int k = l.k0; k <= l.k1; k++) for (int j = l.j0; j <= l.j1; j++) for (int i = l.i0; i <= l.i1; i++)
                    if (mask[(k * cfg.ny + j) * cfg.nx + i] == l.kind.label) {
                        int[] p = {i, j, k};
                        for (int a = 0; a < 3; a++) { lo[a] = Math.min(lo[a], p[a]); hi[a] = Math.max(hi[a], p[a]); }
                    }
                for (int a = 0; a < 3; a++) {
                    double extent = (hi[a] - lo[a] + 1) * sp[a];
                    assertTrue(extent <= l.diameterMm + 2 * sp[a], "axis " + a + " extent " + extent + ": " + l.describe());
                }
                double maxExtent = 0;
                for (int a = 0; a < 3; a++) maxExtent = Math.max(maxExtent, (hi[a] - lo[a] + 1) * sp[a]);
                assertTrue(maxExtent >= Math.min(0.6 * l.diameterMm, sp[0]), "lesion too small in the mask: " + l.describe());
                // relative contrast kinds are in range of the organ; absolute ones in their HU range
                double contrast = l.kind.relative ? l.targetHu - l.hostHu : l.targetHu;
                assertTrue(contrast >= l.kind.minContrast - 1e-9 && contrast <= l.kind.maxContrast + 1e-9, l.describe());
            }
            assertTrue(c.lesions.size() >= 6, "placed " + c.lesions.size());
        }
    }

    @Test void parseLesionKinds() {
        assertEquals(6, LesionKind.parseList("all").size());
        assertEquals(List.of(LesionKind.CYST, LesionKind.GGO), LesionKind.parseList(" cyst , ggo,cyst"));
        assertTrue(LesionKind.parseList("none").isEmpty());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LesionKind.parseList("cyst,tumour"));
        assertTrue(e.getMessage().contains("tumour"));
    }
}
