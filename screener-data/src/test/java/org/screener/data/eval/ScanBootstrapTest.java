package org.screener.data.eval;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ScanBootstrapTest {
    /** Scores on a coarse grid so that ties between and within scans occur. */
    private static List<float[]> scans(Random r, int s, int maxN, double shift) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < s; i++) {
            float[] a = new float[r.nextInt(maxN + 1)];
            for (int k = 0; k < a.length; k++) a[k] = (float) Math.round((r.nextGaussian() + shift) * 4) / 4;
            out.add(a);
        }
        return out;
    }

    /**
     * Brute-force AUROC of the data with scan i repeated counts[i] times, each of its lesion voxels lw[i] times and
     * each of its normal voxels w[i] times.
     */
    private static double expanded(List<float[]> les, int[] lw, List<float[]> nor, int[] w, int[] counts) {
        List<Float> s = new ArrayList<>();
        List<Boolean> p = new ArrayList<>();
        for (int i = 0; i < counts.length; i++)
            for (int c = 0; c < counts[i]; c++) {
                for (float x : les.get(i)) for (int k = 0; k < lw[i]; k++) { s.add(x); p.add(true); }
                for (float x : nor.get(i)) for (int k = 0; k < w[i]; k++) { s.add(x); p.add(false); }
            }
        float[] sa = new float[s.size()];
        boolean[] pa = new boolean[s.size()];
        for (int k = 0; k < sa.length; k++) { sa[k] = s.get(k); pa[k] = p.get(k); }
        return Brute.auroc(sa, pa);
    }

    @Test void resampledAurocEqualsBruteForceOnReplicatedScans() {
        Random r = new Random(7);
        for (int trial = 0; trial < 20; trial++) {
            int s = 1 + r.nextInt(6);
            List<float[]> les = scans(r, s, 7, 0.8), nor = scans(r, s, 13, 0);
            int[] w = new int[s], lw = new int[s];
            double[] wd = new double[s], lwd = new double[s];
            for (int j = 0; j < s; j++) { w[j] = 1 + r.nextInt(3); wd[j] = w[j]; lw[j] = 1 + r.nextInt(2); lwd[j] = lw[j]; }
            ScanBootstrap.Table t = ScanBootstrap.table(les, lwd, nor, wd);
            int[] counts = new int[s];
            for (int k = 0; k < s; k++) counts[r.nextInt(s)]++;
            if (trial % 4 == 0) java.util.Arrays.fill(counts, 1);   // the observed AUROC
            double want = expanded(les, lw, nor, w, counts);
            double got = t.auroc(counts);
            if (Double.isNaN(want)) assertTrue(Double.isNaN(got), "trial " + trial);
            else assertEquals(want, got, 1e-12, "trial " + trial);
        }
    }

    @Test void replicatesArePairedAcrossMethodsAndSeeded() {
        Random r = new Random(3);
        List<float[]> les = scans(r, 5, 20, 1), nor = scans(r, 5, 40, 0);
        double[] w = {1, 1, 1, 1, 1};
        ScanBootstrap.Table a = ScanBootstrap.table(les, w, nor, w);
        // method b: the same scores shifted up for lesions: every resample must rank it at least as high
        List<float[]> lesUp = new ArrayList<>();
        for (float[] x : les) { float[] y = x.clone(); for (int k = 0; k < y.length; k++) y[k] += 10; lesUp.add(y); }
        ScanBootstrap.Table b = ScanBootstrap.table(lesUp, w, nor, w);
        double[][] rep = ScanBootstrap.replicates(List.of(a, b), 200, 11);
        for (double[] x : rep) if (!Double.isNaN(x[0])) assertTrue(x[1] >= x[0] && x[1] == 1.0);
        assertArrayEquals(rep[17], ScanBootstrap.replicates(List.of(a, b), 200, 11)[17]);
        assertFalse(java.util.Arrays.equals(column(rep, 0), column(ScanBootstrap.replicates(List.of(a, b), 200, 12), 0)));
    }

    @Test void intervalIsThePercentileRangeIgnoringNaN() {
        double[] v = new double[101];
        for (int i = 0; i <= 100; i++) v[i] = 100 - i;
        double[] ci = ScanBootstrap.interval(v, 0.9);
        assertEquals(5, ci[0], 1e-12);
        assertEquals(95, ci[1], 1e-12);
        assertArrayEquals(new double[]{2, 2}, ScanBootstrap.interval(new double[]{Double.NaN, 2}, 0.95));
        assertTrue(Double.isNaN(ScanBootstrap.interval(new double[]{Double.NaN}, 0.95)[0]));
        assertEquals(0.5 + 0.025 * 1, ScanBootstrap.interval(new double[]{0.5, 1.5}, 0.95)[0], 1e-12);
    }

    /** Evaluation's kept sample: exact when it keeps every voxel, close to the full pooled AUROC when it subsamples. */
    @Test void evaluationTableReproducesThePooledAuroc(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        Random r = new Random(9);
        int n = 40 * 30 * 20;
        try (Evaluation all = Evaluation.paper(tmp, null).keepBootstrapSample(n, n, 1);
             Evaluation sub = Evaluation.paper(tmp, null).keepBootstrapSample(300, 2000, 1)) {
            for (int c = 0; c < 6; c++) {
                float[] s = new float[n];
                boolean[] m = new boolean[n], roi = new boolean[n];
                for (int i = 0; i < n; i++) {
                    m[i] = r.nextDouble() < (c == 2 ? 0 : 0.05);
                    roi[i] = i % 5 != 0;
                    s[i] = (float) Math.round((r.nextGaussian() + (m[i] ? 0.7 + 0.2 * c : 0)) * 8) / 8;   // ties
                }
                all.add("case" + c, s.clone(), m, roi, 40, 30, 20, true);
                sub.add("case" + c, s.clone(), m, roi, 40, 30, 20, true);
            }
            int[] ones = new int[6];
            java.util.Arrays.fill(ones, 1);
            double pooled = all.pooled().auroc();
            assertEquals(pooled, all.bootstrapTable().auroc(ones), 1e-12);
            assertEquals(pooled, sub.bootstrapTable().auroc(ones), 0.02);
            assertNotEquals(pooled, sub.bootstrapTable().auroc(ones), 1e-9);   // it did subsample
            IllegalStateException late = assertThrows(IllegalStateException.class, () -> all.keepBootstrapSample(1, 1, 0));
            assertTrue(late.getMessage().contains("before adding"));
        }
        try (Evaluation none = Evaluation.paper(tmp, null)) {
            assertTrue(assertThrows(IllegalStateException.class, none::bootstrapTable).getMessage().contains("keepBootstrapSample"));
        }
    }

    @Test void badInputIsRefusedWithTheReason() {
        List<float[]> one = List.of(new float[]{1});
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScanBootstrap.table(one, new double[]{1}, List.of(), new double[]{1}))
                .getMessage().contains("one of each per scan"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScanBootstrap.table(one, new double[]{1}, one, new double[]{0}))
                .getMessage().contains("weight"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> ScanBootstrap.table(List.of(new float[]{Float.NaN}), new double[]{1}, one, new double[]{1}))
                .getMessage().contains("NaN"));
        ScanBootstrap.Table t = ScanBootstrap.table(one, new double[]{1}, one, new double[]{1});
        assertThrows(IllegalArgumentException.class, () -> t.auroc(new int[]{1, 1}));
        assertThrows(IllegalArgumentException.class, () -> ScanBootstrap.interval(new double[]{1}, 1.0));
    }

    private static double[] column(double[][] a, int c) {
        double[] out = new double[a.length];
        for (int i = 0; i < a.length; i++) out[i] = a[i][c];
        return out;
    }
}
