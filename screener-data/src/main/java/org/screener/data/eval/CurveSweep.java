package org.screener.data.eval;

/**
 * One pass from the highest score down over runs of equal score ({@link RunSink}); collects every metric of
 * {@link Metrics} exactly. A threshold t predicts {@code score >= t}; each distinct score is one operating
 * point, and between two points the ROC / PRO curves are straight lines (the usual treatment of ties; it makes
 * the trapezoid area equal to the average-rank Mann-Whitney statistic).
 *
 * <p>The partial areas end at FPR = limit, with the curve interpolated linearly there, and are divided by the
 * limit (the MVTec AD / 3D-AD convention; the paper does not say how it normalises, see the method reference
 * section 6.2). AUPRO follows MVTec 3D-AD: FPR over all normal voxels; PRO(t) = mean over all regions of the
 * fraction of the region at or above t.
 */
public final class CurveSweep implements RunSink {
    private final long negatives, positives, regions;
    private final double limit;
    private long tp, fp, runs;
    private double pro;          // sum of 1/|region| over true positives so far
    private long uHi, uLo;       // 2 * Mann-Whitney U = sum of neg * (2 tp_before + pos), exact in 128 bits
    private double pArea, proArea;
    private double bestDice, bestThreshold = Double.NaN;
    private float last = Float.NaN;

    /** Totals of the whole distribution must be known in advance (they fix the FPR / TPR scales). */
    public CurveSweep(long negatives, long positives, long regions, double fprLimit) {
        if (!(fprLimit > 0 && fprLimit <= 1)) throw new IllegalArgumentException("CurveSweep: FPR limit must be in (0, 1], got " + fprLimit);
        if (negatives < 0 || positives < 0 || regions < 0 || regions > positives)
            throw new IllegalArgumentException("CurveSweep: bad totals negatives=" + negatives + " positives=" + positives + " regions=" + regions);
        this.negatives = negatives; this.positives = positives; this.regions = regions; this.limit = fprLimit;
    }

    @Override public void accept(float value, long neg, long pos, double w) {
        if (runs > 0 && !(value < last))
            throw new IllegalStateException("CurveSweep: scores must arrive in strictly decreasing order, got " + value + " after " + last);
        last = value; runs++;
        if (neg == 0 && pos == 0) return;
        long m = 2 * tp + pos, lo = neg * m, hi = Math.multiplyHigh(neg, m);
        uLo += lo;
        uHi += hi + (Long.compareUnsigned(uLo, lo) < 0 ? 1 : 0);
        long tp0 = tp, fp0 = fp;
        double pro0 = pro;
        tp += pos; fp += neg; pro += w;
        if (tp > positives || fp > negatives)
            throw new IllegalStateException("CurveSweep: more voxels than announced (" + tp + "/" + positives + " positive, " + fp + "/" + negatives + " negative)");
        if (negatives > 0 && positives > 0 && neg > 0) {
            double x0 = (double) fp0 / negatives, x1 = (double) fp / negatives;
            if (x0 < limit) {
                double xe = Math.min(x1, limit), f = (xe - x0) / (x1 - x0);
                double y0 = (double) tp0 / positives, y1 = (double) tp / positives;
                pArea += (xe - x0) * (y0 + (y0 + (y1 - y0) * f)) / 2;
                double z0 = pro0 / regions, z1 = pro / regions;
                proArea += (xe - x0) * (z0 + (z0 + (z1 - z0) * f)) / 2;
            }
        }
        if (positives > 0) {
            double dice = 2.0 * tp / (tp + fp + positives);
            if (dice > bestDice) { bestDice = dice; bestThreshold = value; }
        }
    }

    public Metrics result() {
        if (tp != positives || fp != negatives)
            throw new IllegalStateException("CurveSweep: saw " + tp + " positive and " + fp + " negative voxels, announced " + positives + " and " + negatives);
        boolean both = positives > 0 && negatives > 0;
        double twoU = uHi * 0x1p64 + (uLo >= 0 ? uLo : uLo + 0x1p64);
        double auroc = both ? twoU / (2.0 * positives * negatives) : Double.NaN;
        return new Metrics(auroc, both ? pArea / limit : Double.NaN, both && regions > 0 ? proArea / limit : Double.NaN,
                positives > 0 ? bestDice : Double.NaN, positives > 0 ? bestThreshold : Double.NaN,
                negatives, positives, regions, limit);
    }
}
