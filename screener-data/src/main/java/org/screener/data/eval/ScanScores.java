package org.screener.data.eval;

import java.util.Arrays;

/**
 * The scores of one scan sorted for a threshold sweep: normal voxels as a sorted float array, lesion voxels
 * as sorted (score, region) keys. Exact (no quantisation). Memory: 4 bytes per normal voxel (none extra when
 * the caller lets the score array be reused) plus 8 bytes per lesion voxel, plus the run-based
 * {@link ConnectedComponents} of the mask.
 *
 * <p>Scores must not be NaN; -0.0 counts as 0.0. A voxel is a lesion voxel where {@code mask} is true.
 */
public final class ScanScores {
    private final float[] neg;      // sorted ascending, first nNeg entries
    private final int nNeg;
    private final long[] pos;       // sorted ascending: sortable score bits << 32 | region label
    private final double[] invSize; // 1 / |region| by label - 1
    private final int regions;

    private ScanScores(float[] neg, int nNeg, long[] pos, double[] invSize, int regions) {
        this.neg = neg; this.nNeg = nNeg; this.pos = pos; this.invSize = invSize; this.regions = regions;
    }

    public long negatives() { return nNeg; }
    public long positives() { return pos.length; }
    public int regions() { return regions; }

    /**
     * @param scores      anomaly scores, voxel order of {@link org.screener.data.Volume}
     * @param reuseScores if true the score array is overwritten (holds the sorted normal scores afterwards),
     *                    which saves a copy of a possibly huge array
     */
    public static ScanScores of(float[] scores, boolean[] mask, int nx, int ny, int nz,
                                ConnectedComponents.Connectivity conn, boolean reuseScores) {
        return of(scores, mask, null, nx, ny, nz, conn, reuseScores);
    }

    /**
     * As {@link #of(float[], boolean[], int, int, int, ConnectedComponents.Connectivity, boolean)}, counting as
     * negatives only the normal voxels inside {@code roi} (e.g. the body, so that air does not pad the specificity);
     * lesion voxels count wherever they are. A null roi is the whole scan.
     */
    public static ScanScores of(float[] scores, boolean[] mask, boolean[] roi, int nx, int ny, int nz,
                                ConnectedComponents.Connectivity conn, boolean reuseScores) {
        if (scores.length != mask.length)
            throw new IllegalArgumentException("ScanScores: score map has " + scores.length + " voxels, mask has " + mask.length);
        if (roi != null && roi.length != mask.length)
            throw new IllegalArgumentException("ScanScores: region of interest has " + roi.length + " voxels, mask has " + mask.length);
        ConnectedComponents cc = ConnectedComponents.label(mask, nx, ny, nz, conn);
        checkScores(scores);
        long nPos = 0;
        for (int l = 1; l <= cc.count(); l++) nPos += cc.size(l);
        long[] pos = new long[Math.toIntExact(nPos)];
        int p = 0;
        for (int r = 0; r < cc.runs(); r++) {
            long label = cc.runLabel(r);
            for (int i = cc.runStart(r), e = i + cc.runLength(r); i < e; i++) pos[p++] = ((long) sortKey(scores[i]) << 32) | label;
        }
        Arrays.sort(pos);
        double[] inv = new double[cc.count()];
        for (int l = 1; l <= cc.count(); l++) inv[l - 1] = 1.0 / cc.size(l);
        int nNeg = scores.length - pos.length;
        if (roi != null) {
            nNeg = 0;
            for (int i = 0; i < scores.length; i++) if (roi[i] && !mask[i]) nNeg++;
        }
        float[] neg = reuseScores ? scores : new float[nNeg];
        int w = 0;
        for (int i = 0; i < scores.length; i++)
            if (!mask[i] && (roi == null || roi[i])) neg[w++] = scores[i] + 0.0f; // in place is safe: w <= i
        Arrays.sort(neg, 0, nNeg);
        return new ScanScores(neg, nNeg, pos, inv, cc.count());
    }

    /** Scores of labelled voxels without regions (AUPRO of the result is NaN); used for sampled voxels. */
    public static ScanScores of(float[] scores, boolean[] positive) {
        if (scores.length != positive.length)
            throw new IllegalArgumentException("ScanScores: " + scores.length + " scores but " + positive.length + " labels");
        checkScores(scores);
        int nPos = 0;
        for (boolean b : positive) if (b) nPos++;
        long[] pos = new long[nPos];
        float[] neg = new float[scores.length - nPos];
        int a = 0, b = 0;
        for (int i = 0; i < scores.length; i++) {
            if (positive[i]) pos[a++] = (long) sortKey(scores[i]) << 32;
            else neg[b++] = scores[i] + 0.0f;
        }
        Arrays.sort(pos);
        Arrays.sort(neg);
        return new ScanScores(neg, neg.length, pos, new double[0], 0);
    }

    /** Emits runs of equal score in decreasing order. Region weights are 0 when there are no regions. */
    public void emit(RunSink sink) {
        int i = nNeg - 1, j = pos.length - 1;
        while (i >= 0 || j >= 0) {
            float v;
            if (j < 0) v = neg[i];
            else if (i < 0) v = score(pos[j]);
            else v = Math.max(neg[i], score(pos[j]));
            long cn = 0, cp = 0;
            double w = 0;
            while (i >= 0 && neg[i] == v) { cn++; i--; }
            while (j >= 0 && score(pos[j]) == v) {
                int label = (int) pos[j];
                if (label > 0) w += invSize[label - 1];
                cp++; j--;
            }
            sink.accept(v, cn, cp, w);
        }
    }

    /** All metrics of this scan. */
    public Metrics metrics(double fprLimit) {
        CurveSweep s = new CurveSweep(negatives(), positives(), regions, fprLimit);
        emit(s);
        return s.result();
    }

    private static void checkScores(float[] scores) {
        for (int i = 0; i < scores.length; i++)
            if (Float.isNaN(scores[i])) throw new IllegalArgumentException("ScanScores: score map has NaN at voxel " + i);
    }

    /** Signed int whose order is the float order (for non-NaN floats, -0.0 folded onto 0.0). */
    static int sortKey(float f) {
        int bits = Float.floatToRawIntBits(f + 0.0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    static float score(long key) {
        int k = (int) (key >> 32);
        return Float.intBitsToFloat(k ^ ((k >> 31) & 0x7fffffff));
    }
}
