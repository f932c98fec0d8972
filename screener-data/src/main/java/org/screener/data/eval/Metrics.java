package org.screener.data.eval;

/**
 * Voxel-level anomaly-segmentation metrics of one scan or of a pooled set of scans.
 *
 * <p>NaN marks a metric that is undefined: AUROC, partial AUROC and AUPRO need at least one positive and one
 * negative voxel; best Dice needs at least one positive ({@code bestThreshold} is NaN then too). Constant
 * scores are not an error: every ROC curve through ties is the straight segment between its end points, so a
 * constant map gets AUROC 0.5.
 *
 * @param auroc        area under the ROC curve; equals the Mann-Whitney U / (P N) with ties counted 1/2
 * @param partialAuroc area under the ROC curve for FPR in [0, fprLimit] divided by fprLimit (not McClish-standardised)
 * @param aupro        area under the per-region-overlap curve for FPR in [0, fprLimit] divided by fprLimit
 * @param bestDice     max over thresholds t of Dice({score >= t}, mask)
 * @param bestThreshold the highest threshold t (a score of the data) reaching {@code bestDice}
 */
public record Metrics(double auroc, double partialAuroc, double aupro, double bestDice, double bestThreshold,
                      long negatives, long positives, long regions, double fprLimit) {}
