package org.screener.data.synth;

import java.util.Locale;

/**
 * One inserted lesion. {@code diameterMm} is the largest diameter of its shape (the longest semi-axis times two;
 * lobulation only shrinks it). {@code targetHu} is the noise-free HU of its core, {@code thresholdHu} the change
 * that defines its mask (see {@link Phantom}), {@code voxels} the mask size.
 */
public final class Lesion {
    public final LesionKind kind;
    public final double cx, cy, cz, diameterMm, targetHu, hostHu, thresholdHu;
    public final int voxels;
    /** Inclusive voxel bounding box of the region the lesion can influence (shape plus blur reach). */
    public final int i0, i1, j0, j1, k0, k1;

    Lesion(LesionKind kind, double cx, double cy, double cz, double diameterMm, double targetHu, double hostHu,
           double thresholdHu, int voxels, int[] box) {
        this.kind = kind; this.cx = cx; this.cy = cy; this.cz = cz; this.diameterMm = diameterMm; this.targetHu = targetHu;
        this.hostHu = hostHu; this.thresholdHu = thresholdHu; this.voxels = voxels;
        i0 = box[0]; i1 = box[1]; j0 = box[2]; j1 = box[3]; k0 = box[4]; k1 = box[5];
    }

    public String describe() {
        return String.format(Locale.ROOT, "%s d=%.1fmm at (%.1f,%.1f,%.1f) target=%.0fHU host=%.0fHU thr=%.1fHU voxels=%d",
                kind.id(), diameterMm, cx, cy, cz, targetHu, hostHu, thresholdHu, voxels);
    }
}
