package org.screener.data.eval;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.eval.ConnectedComponents.Connectivity;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

class MetricsTest {
    static final double EPS = 1e-12;
    @TempDir Path tmp;

    static Metrics scan(float[] s, boolean[] m, int nx, int ny, int nz) {
        return ScanScores.of(s, m, nx, ny, nz, Connectivity.TWENTY_SIX, false).metrics(0.3);
    }

    static Metrics line(float[] s, int... mask) {
        boolean[] m = new boolean[mask.length];
        for (int i = 0; i < m.length; i++) m[i] = mask[i] != 0;
        return scan(s, m, s.length, 1, 1);
    }

    @Test void handComputedAurocAndPartialAuroc() {
        // lesion scores 5, 3; normal 4, 2, 1, 0 (N = 4, P = 2).
        // U: 5 beats all 4 normals, 3 beats 2, 1, 0 -> U = 7, AUROC = 7/8.
        // ROC: t>=5 (0, .5); t>=4 (.25, .5); t>=3 (.25, 1); then FPR grows at TPR 1.
        // area to FPR .3: .25 * .5 + .05 * 1 = .175; / .3 = .58333...
        Metrics m = line(new float[]{5, 4, 3, 2, 1, 0}, 1, 0, 1, 0, 0, 0);
        assertEquals(7.0 / 8, m.auroc(), EPS);
        assertEquals(0.175 / 0.3, m.partialAuroc(), EPS);
        // Dice: t>=5: 2*1/(1+2) = 2/3; t>=3: 2*2/(3+2) = .8 (best); t>=2: 4/6.
        assertEquals(0.8, m.bestDice(), EPS);
        assertEquals(3.0, m.bestThreshold(), 0);
        // equal best Dice at two thresholds: lesion 3, normal 2.5, normal 2, lesion 1 (P = 2):
        // t>=3: 2*1/(1+2) = 2/3; t>=1: 2*2/(4+2) = 2/3 -> the higher threshold, 3, is reported
        m = line(new float[]{3, 2.5f, 2, 1}, 1, 0, 0, 1);
        assertEquals(2.0 / 3, m.bestDice(), EPS);
        assertEquals(3.0, m.bestThreshold(), 0);

        // ties across classes: lesion 1; normal 1, 1, 0, 0 (P = 1, N = 4).
        // U: the lesion ties two normals (1/2 each) and beats two -> U = 3, AUROC = 3/4.
        // ROC: t>=1 jumps diagonally from (0,0) to (.5, 1); at FPR .3 the line is at .6;
        // area to .3 = .3 * .6 / 2 = .09; / .3 = .3.
        m = line(new float[]{1, 1, 1, 0, 0}, 1, 0, 0, 0, 0);
        assertEquals(0.75, m.auroc(), EPS);
        assertEquals(0.3, m.partialAuroc(), EPS);
        // one region: PRO = TPR, so AUPRO = partial AUROC here
        assertEquals(0.3, m.aupro(), EPS);
    }

    @Test void handComputedAupro() {
        // 8 voxels in a line, mask 1 1 0 1 0 0 0 0 -> regions A = {0, 1}, B = {3}; N = 5 (idx 2, 4, 5, 6, 7).
        // scores 0.9 0.45 0.5 0.8 0.1 0.3 0.0 0.4
        // t>=.9: A half -> PRO (.5 + 0)/2 = .25, FPR 0
        // t>=.8: B full -> PRO .75, FPR 0
        // t>=.5: FP 1  -> FPR .2, PRO .75
        // t>=.45: A full -> PRO 1, FPR .2
        // t>=.4: FPR .4
        // area to .3 = .2 * .75 + .1 * 1 = .25; AUPRO = .25 / .3 = .8333...
        // AUROC: .9 and .8 beat all 5 normals, .45 beats .1 .3 .0 .4 -> U = 14, AUROC = 14/15.
        // Dice: t>=.9 2/(1+3); t>=.8 4/5; t>=.5 4/6; t>=.45 6/7 (best); t>=.4 6/8.
        Metrics m = line(new float[]{0.9f, 0.45f, 0.5f, 0.8f, 0.1f, 0.3f, 0.0f, 0.4f}, 1, 1, 0, 1, 0, 0, 0, 0);
        assertEquals(0.25 / 0.3, m.aupro(), EPS);
        assertEquals(14.0 / 15, m.auroc(), EPS);
        assertEquals(6.0 / 7, m.bestDice(), EPS);
        assertEquals(0.45f, (float) m.bestThreshold());
        assertEquals(2, m.regions());
        assertEquals(5, m.negatives());
        assertEquals(3, m.positives());
    }

    @Test void matchesBruteForceOnRandomScansWithTies() {
        Random rnd = new Random(11);
        int[][] shapes = {{5, 4, 3}, {7, 3, 5}, {1, 9, 7}, {11, 2, 3}};
        for (int[] sh : shapes) for (int levels : new int[]{3, 10, 1000}) for (int rep = 0; rep < 3; rep++) {
            int n = sh[0] * sh[1] * sh[2];
            float[] s = new float[n];
            boolean[] m = new boolean[n];
            fill(rnd, s, m, levels, 0.25);
            check(s, m, sh, "shape " + Arrays.toString(sh) + " levels " + levels);
        }
    }

    static void fill(Random rnd, float[] s, boolean[] m, int levels, double density) {
        for (int i = 0; i < s.length; i++) {
            m[i] = rnd.nextDouble() < density;
            s[i] = rnd.nextInt(levels) / (float) levels + (m[i] ? 0.2f : 0) - (rnd.nextInt(4) == 0 ? 0.5f : 0);
            if (rnd.nextInt(20) == 0) s[i] = -0.0f;   // -0.0 must tie with 0.0
            if (rnd.nextInt(20) == 0) s[i] = 0.0f;
        }
    }

    static void check(float[] s, boolean[] m, int[] sh, String what) {
        float[] copy = s.clone();
        Metrics got = scan(s, m, sh[0], sh[1], sh[2]);
        assertArrayEquals(copy, s, "scores must be untouched without reuse");
        int[] lab = Brute.label(m, sh[0], sh[1], sh[2], 26);
        int regions = Arrays.stream(lab).max().orElse(0);
        assertEquals(Brute.auroc(s, m), got.auroc(), EPS, what);
        assertEquals(Brute.areaTo(Brute.roc(s, m), 1.0), got.auroc(), EPS, what + " (trapezoid = U)");
        assertEquals(Brute.areaTo(Brute.roc(s, m), 0.3), got.partialAuroc(), EPS, what);
        assertEquals(Brute.areaTo(Brute.pro(s, lab, regions), 0.3), got.aupro(), EPS, what);
        assertEquals(Brute.bestDice(s, m), got.bestDice(), EPS, what);
        // reusing the score array gives the same numbers
        Metrics again = ScanScores.of(s.clone(), m, sh[0], sh[1], sh[2], Connectivity.TWENTY_SIX, true).metrics(0.3);
        assertEquals(got, again);
    }

    @Test void regionOfInterestDropsOnlyNormalVoxelsOutsideIt() throws Exception {
        Random rnd = new Random(17);
        int[] sh = {6, 5, 4};
        int n = sh[0] * sh[1] * sh[2];
        for (int rep = 0; rep < 5; rep++) {
            float[] s = new float[n];
            boolean[] m = new boolean[n], roi = new boolean[n];
            fill(rnd, s, m, 20, 0.2);
            for (int i = 0; i < n; i++) roi[i] = rnd.nextDouble() < 0.6;
            // brute force on the kept voxels: every lesion voxel, normal voxels inside the roi
            int kept = 0;
            for (int i = 0; i < n; i++) if (m[i] || roi[i]) kept++;
            float[] ks = new float[kept];
            boolean[] km = new boolean[kept];
            for (int i = 0, k = 0; i < n; i++) if (m[i] || roi[i]) { ks[k] = s[i]; km[k++] = m[i]; }
            Metrics got = ScanScores.of(s, m, roi, sh[0], sh[1], sh[2], Connectivity.TWENTY_SIX, false).metrics(0.3);
            assertEquals(Brute.auroc(ks, km), got.auroc(), EPS);
            assertEquals(Brute.areaTo(Brute.roc(ks, km), 0.3), got.partialAuroc(), EPS);
            assertEquals(Brute.bestDice(ks, km), got.bestDice(), EPS);
            // regions are still the mask's components on the full grid
            int[] lab = Brute.label(m, sh[0], sh[1], sh[2], 26);
            int regions = Arrays.stream(lab).max().orElse(0);
            int[] klab = new int[kept];
            for (int i = 0, k = 0; i < n; i++) if (m[i] || roi[i]) klab[k++] = lab[i];
            assertEquals(Brute.areaTo(Brute.pro(ks, klab, regions), 0.3), got.aupro(), EPS);
            try (Evaluation ev = Evaluation.paper(tmp, Evaluation.Sampling.paper(3))) {
                Evaluation.CaseResult r = ev.add("c", s.clone(), m, roi, sh[0], sh[1], sh[2], true);
                assertEquals(got, r.full());
                assertEquals(got, ev.pooled());
                long normalsInRoi = 0;
                for (int i = 0; i < n; i++) if (roi[i] && !m[i]) normalsInRoi++;
                assertEquals(normalsInRoi, r.sampled().negatives(), "sampled negatives come from the roi only");
            }
        }
        assertThrows(IllegalArgumentException.class,
                () -> ScanScores.of(new float[n], new boolean[n], new boolean[n - 1], sh[0], sh[1], sh[2], Connectivity.SIX, false));
    }

    @Test void pooledMatchesBruteForceOnConcatenation() throws Exception {
        Random rnd = new Random(5);
        // 70 scans > MAX_OPEN, so spill files get merged once on the way
        List<float[]> ss = new ArrayList<>();
        List<boolean[]> ms = new ArrayList<>();
        int[] sh = {4, 3, 2};
        try (Evaluation ev = Evaluation.paper(tmp, null)) {
            for (int c = 0; c < 70; c++) {
                float[] s = new float[24];
                boolean[] m = new boolean[24];
                fill(rnd, s, m, c % 2 == 0 ? 5 : 50, c % 7 == 0 ? 0 : 0.2); // some scans without lesions
                ss.add(s); ms.add(m);
                Evaluation.CaseResult r = ev.add("case" + c, s.clone(), m, 4, 3, 2, true);
                assertEquals(scan(s, m, 4, 3, 2), r.full());
            }
            Metrics got = ev.pooled();
            float[] all = new float[70 * 24];
            boolean[] mall = new boolean[all.length];
            int[] lab = new int[all.length];
            int regions = 0;
            for (int c = 0; c < 70; c++) {
                System.arraycopy(ss.get(c), 0, all, c * 24, 24);
                System.arraycopy(ms.get(c), 0, mall, c * 24, 24);
                int[] l = Brute.label(ms.get(c), sh[0], sh[1], sh[2], 26);
                int max = 0;
                for (int i = 0; i < 24; i++) { lab[c * 24 + i] = l[i] == 0 ? 0 : l[i] + regions; max = Math.max(max, l[i]); }
                regions += max;
            }
            assertEquals(regions, got.regions());
            assertEquals(Brute.auroc(all, mall), got.auroc(), EPS);
            assertEquals(Brute.areaTo(Brute.roc(all, mall), 0.3), got.partialAuroc(), EPS);
            assertEquals(Brute.areaTo(Brute.pro(all, lab, regions), 0.3), got.aupro(), EPS);
            assertEquals(Brute.bestDice(all, mall), got.bestDice(), EPS);
            assertEquals(got, ev.pooled(), "pooled() can be asked twice");
            double mean = ev.cases().stream().mapToDouble(c -> c.full().bestDice()).filter(d -> !Double.isNaN(d)).average().orElseThrow();
            assertEquals(mean, ev.meanCaseBestDice(), EPS);
        }
        try (Stream<Path> left = Files.list(tmp)) { assertEquals(0, left.count(), "spill files are deleted on close"); }
    }

    @Test void edgeCases() {
        // no lesion voxels: every metric NaN (documented in Metrics)
        Metrics none = line(new float[]{1, 2, 3}, 0, 0, 0);
        assertTrue(Double.isNaN(none.auroc()) && Double.isNaN(none.partialAuroc()) && Double.isNaN(none.aupro()));
        assertTrue(Double.isNaN(none.bestDice()) && Double.isNaN(none.bestThreshold()));
        // all lesion: ROC undefined; Dice 1 at the lowest score (predict everything)
        Metrics all = line(new float[]{1, 2, 3}, 1, 1, 1);
        assertTrue(Double.isNaN(all.auroc()) && Double.isNaN(all.partialAuroc()) && Double.isNaN(all.aupro()));
        assertEquals(1.0, all.bestDice());
        assertEquals(1.0, all.bestThreshold());
        // constant scores: one diagonal ROC segment -> AUROC .5, area to .3 = .3 * .3 / 2 / .3 = .15;
        // Dice only has "everything": 2P / (N + 2P) = 4 / (3 + 4)
        Metrics flat = line(new float[]{7, 7, 7, 7, 7}, 1, 0, 1, 0, 0);
        assertEquals(0.5, flat.auroc(), EPS);
        assertEquals(0.15, flat.partialAuroc(), EPS);
        assertEquals(0.15, flat.aupro(), EPS);
        assertEquals(4.0 / 7, flat.bestDice(), EPS);
        // NaN scores and mismatched sizes are errors
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> line(new float[]{1, Float.NaN}, 0, 1));
        assertTrue(e.getMessage().contains("NaN at voxel 1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> ScanScores.of(new float[3], new boolean[4], 4, 1, 1, Connectivity.SIX, false));
        assertTrue(e.getMessage().contains("3") && e.getMessage().contains("4"), e.getMessage());
        // infinities are ordinary scores
        Metrics inf = line(new float[]{Float.POSITIVE_INFINITY, 0, Float.NEGATIVE_INFINITY}, 1, 0, 0);
        assertEquals(1.0, inf.auroc(), EPS);
        assertThrows(IllegalArgumentException.class, () -> new CurveSweep(1, 1, 1, 0));
        CurveSweep sw = new CurveSweep(1, 1, 1, 0.3);
        sw.accept(2, 1, 0, 0);
        assertThrows(IllegalStateException.class, () -> sw.accept(2, 0, 1, 1), "scores must decrease");
    }

    @Test void countsBeyond63BitsStayExact() {
        // 3e9 lesion voxels above 4e9 normal ones: U = P N = 1.2e19 > 2^63, AUROC 1
        CurveSweep a = new CurveSweep(4_000_000_000L, 3_000_000_000L, 0, 0.3);
        a.accept(1, 0, 3_000_000_000L, 0);
        a.accept(0, 4_000_000_000L, 0, 0);
        assertEquals(1.0, a.result().auroc(), EPS);
        // the same counts all tied: U = P N / 2 -> AUROC 1/2; Dice of "everything" = 2P / (N + 2P) = 6/10
        CurveSweep b = new CurveSweep(4_000_000_000L, 3_000_000_000L, 0, 0.3);
        b.accept(1, 4_000_000_000L, 3_000_000_000L, 0);
        assertEquals(0.5, b.result().auroc(), EPS);
        assertEquals(0.6, b.result().bestDice(), EPS);
        // 2e9 lesion voxels over 1e9 normal, then 1e9 lesion voxels tied with 3e9 normal:
        // U = 2e9 * 4e9 + 1e9 * 3e9 / 2 = 8e18 + 1.5e18; AUROC = 9.5e18 / 1.2e19
        CurveSweep c = new CurveSweep(4_000_000_000L, 3_000_000_000L, 0, 0.3);
        c.accept(2, 0, 2_000_000_000L, 0);
        c.accept(1, 1_000_000_000L, 0, 0);
        c.accept(0, 3_000_000_000L, 1_000_000_000L, 0);
        assertEquals(9.5 / 12, c.result().auroc(), EPS);
        assertTrue(Double.isNaN(c.result().aupro()), "no regions, no AUPRO");
    }

    @Test void samplingFollowsThePaperProtocol() throws Exception {
        Random rnd = new Random(3);
        // small scans (< 1000 of each class): the sample is every voxel, so sampled = full AUROC
        try (Evaluation ev = Evaluation.paper(tmp, Evaluation.Sampling.paper(1))) {
            float[] s = new float[60];
            boolean[] m = new boolean[60];
            fill(rnd, s, m, 7, 0.3);
            Evaluation.CaseResult r = ev.add("a", s.clone(), m, 5, 4, 3, false);
            assertEquals(r.full().auroc(), r.sampled().auroc(), EPS);
            assertEquals(r.full().partialAuroc(), r.sampled().partialAuroc(), EPS);
            assertEquals(r.full().auroc(), ev.pooledSampled().auroc(), EPS);
        }
        // large scan: exactly 1000 + 1000 distinct voxels, fixed by the seed
        int n = 30 * 30 * 30;
        float[] s = new float[n];
        boolean[] m = new boolean[n];
        for (int i = 0; i < n; i++) { m[i] = rnd.nextDouble() < 0.2; s[i] = i + (m[i] ? n : 0); } // distinct scores
        float[][] bySeed = new float[3][];
        long[] seeds = {1, 1, 2};
        for (int t = 0; t < 3; t++) {
            try (Evaluation ev = Evaluation.paper(tmp, Evaluation.Sampling.paper(seeds[t]))) {
                Evaluation.CaseResult r = ev.add("big", s.clone(), m, 30, 30, 30, true);
                bySeed[t] = ev.sampleScores();
                assertEquals(1000, r.sampled().positives());
                assertEquals(1000, r.sampled().negatives());
                float[] sample = ev.sampleScores();
                assertEquals(2000, sample.length);
                assertEquals(2000, Arrays.stream(box(sample)).distinct().count(), "without replacement");
                double meanPos = 0, meanNeg = 0;
                for (float v : sample) {
                    int i = (int) (v >= n ? v - n : v);
                    assertTrue(s[i] == v, "sampled value " + v + " comes from the scan");
                    if (m[i]) meanPos += i / 1000.0; else meanNeg += i / 1000.0;
                }
                // uniform over the scan: mean index ~ n/2, sd of the mean ~ (n / sqrt 12) / sqrt 1000 ~ 250
                assertEquals(n / 2.0, meanPos, 1250);
                assertEquals(n / 2.0, meanNeg, 1250);
            }
        }
        assertArrayEquals(bySeed[0], bySeed[1], "same seed, same sample");
        assertFalse(Arrays.equals(bySeed[0], bySeed[2]), "another seed, another sample");
    }

    private static Float[] box(float[] a) {
        Float[] b = new Float[a.length];
        for (int i = 0; i < a.length; i++) b[i] = a[i];
        return b;
    }
}
