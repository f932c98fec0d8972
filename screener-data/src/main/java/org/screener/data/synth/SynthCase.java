package org.screener.data.synth;

import org.screener.data.Volume;

import java.util.List;

/** A generated scan: image (int16 HU), label mask (one value per {@link LesionKind}), tissue map and lesions. */
public final class SynthCase {
    public final Volume image;
    /** Lesion labels as int16 (the NIfTI writer stores short volumes); values 0..6 ({@link LesionKind#label}). */
    public final Volume mask;
    /** Tissue class per voxel ({@link Tissue}), before lesions. */
    public final byte[] tissue;
    public final List<Lesion> lesions;
    public final double noiseSigma;
    /** Same scan (same noise) without the lesions; null unless requested. */
    public final Volume lesionFree;

    SynthCase(Volume image, Volume mask, byte[] tissue, List<Lesion> lesions, double noiseSigma, Volume lesionFree) {
        this.image = image; this.mask = mask; this.tissue = tissue; this.lesions = List.copyOf(lesions);
        this.noiseSigma = noiseSigma; this.lesionFree = lesionFree;
    }
}
