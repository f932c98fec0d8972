package org.screener.data.eval;

import java.util.ArrayDeque;
import java.util.Arrays;

/** Plain, slow second implementations of every metric, written independently of the streaming code. */
final class Brute {
    private Brute() {}

    /** O(P N) pairwise Mann-Whitney: a pair counts 1 if the lesion voxel scores higher, 1/2 on a tie. */
    static double auroc(float[] s, boolean[] pos) {
        double u = 0;
        long p = 0, n = 0;
        for (int i = 0; i < s.length; i++) {
            if (pos[i]) p++; else n++;
            if (!pos[i]) continue;
            for (int j = 0; j < s.length; j++) {
                if (pos[j]) continue;
                if (s[i] > s[j]) u += 1; else if (s[i] == s[j]) u += 0.5;
            }
        }
        return p == 0 || n == 0 ? Double.NaN : u / ((double) p * n);
    }

    /** Distinct scores, high to low: every threshold worth testing. */
    static float[] thresholds(float[] s) {
        float[] t = s.clone();
        for (int i = 0; i < t.length; i++) t[i] += 0.0f;
        Arrays.sort(t);
        float[] d = new float[t.length];
        int n = 0;
        for (int i = t.length - 1; i >= 0; i--) if (n == 0 || d[n - 1] != t[i]) d[n++] = t[i];
        return Arrays.copyOf(d, n);
    }

    /** ROC points (FPR, TPR) for every threshold, counted from scratch, starting at (0, 0). */
    static double[][] roc(float[] s, boolean[] pos) {
        float[] th = thresholds(s);
        double[][] pts = new double[th.length + 1][2];
        long p = 0, n = 0;
        for (boolean b : pos) if (b) p++; else n++;
        for (int t = 0; t < th.length; t++) {
            long tp = 0, fp = 0;
            for (int i = 0; i < s.length; i++) if (s[i] >= th[t]) { if (pos[i]) tp++; else fp++; }
            pts[t + 1][0] = (double) fp / n;
            pts[t + 1][1] = (double) tp / p;
        }
        return pts;
    }

    /** PRO points (FPR, mean region overlap) for every threshold; region labels 1..R, 0 = normal. */
    static double[][] pro(float[] s, int[] region, int regions) {
        float[] th = thresholds(s);
        double[][] pts = new double[th.length + 1][2];
        long n = 0;
        long[] size = new long[regions + 1];
        for (int r : region) { if (r == 0) n++; size[r]++; }
        for (int t = 0; t < th.length; t++) {
            long fp = 0;
            long[] hit = new long[regions + 1];
            for (int i = 0; i < s.length; i++) if (s[i] >= th[t]) { if (region[i] == 0) fp++; else hit[region[i]]++; }
            double mean = 0;
            for (int r = 1; r <= regions; r++) mean += (double) hit[r] / size[r];
            pts[t + 1][0] = (double) fp / n;
            pts[t + 1][1] = mean / regions;
        }
        return pts;
    }

    /** Area under a polyline with non-decreasing x from x = 0 to xMax, interpolated linearly at xMax, / xMax. */
    static double areaTo(double[][] pts, double xMax) {
        double a = 0;
        for (int i = 1; i < pts.length; i++) {
            double x0 = pts[i - 1][0], x1 = pts[i][0], y0 = pts[i - 1][1], y1 = pts[i][1];
            if (x0 >= xMax) break;
            if (x1 <= xMax) a += (x1 - x0) * (y0 + y1) / 2;
            else {
                double y = y0 + (y1 - y0) * (xMax - x0) / (x1 - x0);
                a += (xMax - x0) * (y0 + y) / 2;
            }
        }
        return a / xMax;
    }

    /** max over thresholds of 2 |pred & mask| / (|pred| + |mask|), with pred = score >= t. */
    static double bestDice(float[] s, boolean[] pos) {
        double best = 0;
        long p = 0;
        for (boolean b : pos) if (b) p++;
        if (p == 0) return Double.NaN;
        for (float t : thresholds(s)) {
            long inter = 0, pred = 0;
            for (int i = 0; i < s.length; i++) if (s[i] >= t) { pred++; if (pos[i]) inter++; }
            best = Math.max(best, 2.0 * inter / (pred + p));
        }
        return best;
    }

    /** Breadth-first labelling over the full neighbourhood list; numbering in raster order of first voxel. */
    static int[] label(boolean[] m, int nx, int ny, int nz, int connectivity) {
        int[] lab = new int[m.length];
        int next = 0;
        ArrayDeque<int[]> q = new ArrayDeque<>();
        for (int k = 0; k < nz; k++) for (int j = 0; j < ny; j++) for (int i = 0; i < nx; i++) {
            int idx = (k * ny + j) * nx + i;
            if (!m[idx] || lab[idx] != 0) continue;
            lab[idx] = ++next;
            q.add(new int[]{i, j, k});
            while (!q.isEmpty()) {
                int[] v = q.poll();
                for (int dk = -1; dk <= 1; dk++) for (int dj = -1; dj <= 1; dj++) for (int di = -1; di <= 1; di++) {
                    int off = Math.abs(di) + Math.abs(dj) + Math.abs(dk);
                    if (off == 0 || connectivity == 6 && off > 1 || connectivity == 18 && off > 2) continue;
                    int a = v[0] + di, b = v[1] + dj, c = v[2] + dk;
                    if (a < 0 || b < 0 || c < 0 || a >= nx || b >= ny || c >= nz) continue;
                    int w = (c * ny + b) * nx + a;
                    if (m[w] && lab[w] == 0) { lab[w] = next; q.add(new int[]{a, b, c}); }
                }
            }
        }
        return lab;
    }
}
