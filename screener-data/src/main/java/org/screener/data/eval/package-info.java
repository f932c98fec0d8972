/**
 * Voxel-level evaluation of anomaly maps against lesion masks, as in the paper (method reference section 6.2).
 *
 * <ul>
 *   <li>AUROC: area under the ROC curve with ties as straight segments, equal to the Mann-Whitney U / (P N)
 *       with average ranks.</li>
 *   <li>AUROC up to FPR 0.3: the area for FPR in [0, 0.3], the curve interpolated linearly at 0.3, divided by
 *       0.3. Plain division, not McClish's standardisation (sklearn's {@code max_fpr}): the paper does not say,
 *       and MVTec practice, which its AUPRO follows, divides by the limit.</li>
 *   <li>AUPRO up to FPR 0.3 (MVTec AD / 3D-AD): regions are the 26-connected components of each scan's mask
 *       (the 3D counterpart of MVTec's full 3x3 structure); PRO(t) is the mean over all regions of all scans of
 *       the fraction of the region scoring at or above t, FPR(t) is over all normal voxels; area to 0.3 / 0.3.</li>
 *   <li>Best Dice over thresholds: pooled (one threshold for all scans) and per scan.</li>
 *   <li>Sampling: up to 1000 lesion and 1000 normal voxels per scan, pooled for AUROC (the public code's
 *       protocol).</li>
 * </ul>
 *
 * All values are exact: scores are sorted, never binned. Pooled metrics stay within bounded memory by spilling
 * each scan's sorted score runs to disk and merging them ({@link org.screener.data.eval.Evaluation}).
 * Undefined values (no lesion or no normal voxels) are NaN; see {@link org.screener.data.eval.Metrics}.
 */
package org.screener.data.eval;
