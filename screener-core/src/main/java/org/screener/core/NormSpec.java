package org.screener.core;

/**
 * The layout of a channel normalisation for {@link Backend#normForward} and {@link Backend#normBackward}: the
 * input viewed as rows r = i·C + ch (i < n, ch < c) of s values each. Statistics are taken per group: with
 * {@code batch}, per channel over the batch (group of row r: r mod C); else per sample and group of
 * C/groups consecutive channels (group of r: i·groups + ch / (C/groups)). eps is added to the variance.
 */
public record NormSpec(int n, int c, int s, int groups, boolean batch, float eps) {
    public NormSpec {
        if (n < 0 || c < 0 || s < 0 || (long) n * c > Integer.MAX_VALUE)
            throw new IllegalArgumentException("NormSpec: bad sizes n=" + n + " c=" + c + " s=" + s);
        if (!batch && (groups <= 0 || c % groups != 0))
            throw new IllegalArgumentException("NormSpec: " + c + " channels are not divisible into " + groups + " groups");
    }

    /** Group norm (instance norm: groups = c; layer norm: c = groups = 1). */
    public static NormSpec grouped(int n, int c, int s, int groups, float eps) {
        return new NormSpec(n, c, s, groups, false, eps);
    }

    /** Batch norm: one group per channel over the batch and spatial axes. */
    public static NormSpec batchNorm(int n, int c, int s, float eps) {
        return new NormSpec(n, c, s, 1, true, eps);
    }

    public int rows() { return n * c; }

    /** The number of statistics groups. */
    public int stats() { return batch ? c : n * groups; }

    /** Values per statistics group. */
    public long count() { return batch ? (long) n * s : (long) (c / groups) * s; }

    /** The statistics group of row r. */
    public int statOf(int r) { return batch ? r % c : (r / c) * groups + (r % c) / (c / groups); }
}
