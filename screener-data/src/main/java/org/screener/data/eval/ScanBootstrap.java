package org.screener.data.eval;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Scan-level bootstrap of a pooled voxel AUROC: how much a result would move with another draw of the same
 * number of scans. Voxels of one scan are not independent (a lesion is one event, not its voxel count), so
 * the scans are resampled, not the voxels.
 *
 * <p>A pooled AUROC is a sum over pairs of scans (i, j) of U<sub>ij</sub>, the Mann-Whitney count of lesion
 * voxels of scan i scoring above normal voxels of scan j, divided by (Σ P<sub>i</sub>)(Σ N<sub>j</sub>).
 * {@link #table} computes the S × S counts once; a resample drawing scan i c<sub>i</sub> times then costs
 * O(S²): Σ c<sub>i</sub> c<sub>j</sub> U<sub>ij</sub> / (Σ c<sub>i</sub> P<sub>i</sub>)(Σ c<sub>j</sub> N<sub>j</sub>).
 * Every method is resampled with the same scans ({@link #replicates}), so differences between methods are
 * paired.
 */
public final class ScanBootstrap {
    private ScanBootstrap() {}

    /** One method's pairwise counts: u[i][j] over lesion voxels of scan i and normal voxels of scan j. */
    public static final class Table {
        final double[][] u;
        final double[] pos, neg;

        Table(double[][] u, double[] pos, double[] neg) { this.u = u; this.pos = pos; this.neg = neg; }

        public int scans() { return pos.length; }

        /** The pooled AUROC with scan i drawn counts[i] times (all ones: the observed AUROC); NaN without both classes. */
        public double auroc(int[] counts) {
            if (counts.length != pos.length)
                throw new IllegalArgumentException("ScanBootstrap: " + counts.length + " counts for " + pos.length + " scans");
            double num = 0, p = 0, n = 0;
            for (int i = 0; i < counts.length; i++) {
                if (counts[i] == 0) continue;
                p += counts[i] * pos[i];
                n += counts[i] * neg[i];
                double row = 0;
                for (int j = 0; j < counts.length; j++) if (counts[j] != 0) row += counts[j] * u[i][j];
                num += counts[i] * row;
            }
            return p > 0 && n > 0 ? num / (p * n) : Double.NaN;
        }
    }

    /**
     * @param lesion       per scan, the scores of its lesion voxels (may be empty), all or a random sample
     * @param lesionWeight per scan, how many lesion voxels each given one stands for (1 when all are given;
     *                     lesion voxels / sample size for a sample)
     * @param normal       per scan, the scores of its normal voxels, all or a random sample
     * @param normalWeight as lesionWeight, for the normal voxels; so a sample pools like the full scan
     */
    public static Table table(List<float[]> lesion, double[] lesionWeight, List<float[]> normal, double[] normalWeight) {
        int s = lesion.size();
        if (normal.size() != s || normalWeight.length != s || lesionWeight.length != s)
            throw new IllegalArgumentException("ScanBootstrap: " + s + " lesion lists, " + lesionWeight.length + " lesion weights, "
                    + normal.size() + " normal lists, " + normalWeight.length + " normal weights: need one of each per scan");
        float[][] sorted = new float[s][];
        double[] pos = new double[s], neg = new double[s];
        for (int j = 0; j < s; j++) {
            checkWeight(lesionWeight[j], "lesion", j);
            checkWeight(normalWeight[j], "normal", j);
            sorted[j] = normal.get(j).clone();
            checkScores(sorted[j], j);
            checkScores(lesion.get(j), j);
            Arrays.sort(sorted[j]);
            pos[j] = lesion.get(j).length * lesionWeight[j];
            neg[j] = sorted[j].length * normalWeight[j];
        }
        double[][] u = new double[s][s];
        for (int i = 0; i < s; i++)
            for (int j = 0; j < s; j++) {
                float[] nj = sorted[j];
                double c = 0;
                for (float x : lesion.get(i)) {
                    int below = lowerBound(nj, x), notAbove = upperBound(nj, x);
                    c += below + 0.5 * (notAbove - below);   // a tie counts half, as in the Mann-Whitney U
                }
                u[i][j] = c * lesionWeight[i] * normalWeight[j];
            }
        return new Table(u, pos, neg);
    }

    /**
     * B resamples of S scans with replacement, the same for every table: result[b][m] is method m's pooled AUROC
     * on resample b. Resamples without lesions or without normal voxels give NaN (rare; drop them when summarising).
     */
    public static double[][] replicates(List<Table> methods, int b, long seed) {
        if (methods.isEmpty()) throw new IllegalArgumentException("ScanBootstrap: no methods");
        int s = methods.get(0).scans();
        for (Table t : methods)
            if (t.scans() != s) throw new IllegalArgumentException("ScanBootstrap: methods cover " + s + " and " + t.scans() + " scans");
        if (b < 1) throw new IllegalArgumentException("ScanBootstrap: need at least one resample, got " + b);
        SplittableRandom rnd = new SplittableRandom(seed);
        double[][] out = new double[b][methods.size()];
        int[] counts = new int[s];
        for (int r = 0; r < b; r++) {
            Arrays.fill(counts, 0);
            for (int k = 0; k < s; k++) counts[rnd.nextInt(s)]++;
            for (int m = 0; m < methods.size(); m++) out[r][m] = methods.get(m).auroc(counts);
        }
        return out;
    }

    /**
     * The percentile interval [q, 1 − q] with q = (1 − level) / 2 of the non-NaN values (linear interpolation
     * between order statistics); {NaN, NaN} when none is finite.
     */
    public static double[] interval(double[] values, double level) {
        if (!(level > 0 && level < 1)) throw new IllegalArgumentException("ScanBootstrap: level must be in (0, 1), got " + level);
        double[] v = Arrays.stream(values).filter(x -> !Double.isNaN(x)).sorted().toArray();
        if (v.length == 0) return new double[]{Double.NaN, Double.NaN};
        double q = (1 - level) / 2;
        return new double[]{quantile(v, q), quantile(v, 1 - q)};
    }

    /** {@link #interval(double[], double)} of method m's column of {@link #replicates}' result. */
    public static double[] interval(double[][] replicates, int m, double level) {
        double[] v = new double[replicates.length];
        for (int r = 0; r < v.length; r++) v[r] = replicates[r][m];
        return interval(v, level);
    }

    private static double quantile(double[] sorted, double q) {
        double x = q * (sorted.length - 1);
        int lo = (int) Math.floor(x), hi = Math.min(lo + 1, sorted.length - 1);
        return sorted[lo] + (x - lo) * (sorted[hi] - sorted[lo]);
    }

    private static void checkWeight(double w, String what, int scan) {
        if (!(w > 0) || Double.isInfinite(w))
            throw new IllegalArgumentException("ScanBootstrap: scan " + scan + " has " + what + "-voxel weight " + w + "; must be > 0");
    }

    private static void checkScores(float[] s, int scan) {
        for (float x : s)
            if (Float.isNaN(x)) throw new IllegalArgumentException("ScanBootstrap: scan " + scan + " has a NaN score");
    }

    /** First index with a[k] >= x. */
    private static int lowerBound(float[] a, float x) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] < x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }

    /** First index with a[k] > x. */
    private static int upperBound(float[] a, float x) {
        int lo = 0, hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= x) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
