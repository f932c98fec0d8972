/**
 * Synthetic CT cohort with exact lesion masks: the project's benchmark data for anomaly segmentation.
 *
 * <ul>
 *   <li>{@link org.screener.data.synth.Anatomy}: a subject drawn from a seed (body outline with subcutaneous fat
 *   and muscle wall, lungs with recursive vessel trees, heart, aorta, trachea, liver, spleen, kidneys with cortex,
 *   medulla, sinus and perirenal fat, psoas, bowel/visceral fat, vertebrae with discs and posterior elements,
 *   ribs), in mm over a 320 x 256 x 240 mm field of view, RAS+.</li>
 *   <li>{@link org.screener.data.synth.Phantom}: renders it to int16 HU with partial-volume blur and correlated
 *   noise, inserts lesions ({@link org.screener.data.synth.LesionKind}) and defines their masks exactly (see the
 *   class comment: host voxels whose noise-free blurred value changed by at least max(10 HU, half the lesion's
 *   peak change)). Byte-identical for a seed whatever the thread count.</li>
 *   <li>{@link org.screener.data.synth.Cohort}: train scans (healthy, or one lesion with a probability) and test
 *   scans (1-3 lesions), written as {@code images/}, {@code masks/}, {@code png/}, {@code manifest.csv} and
 *   {@code lesions.csv}; CLI: {@code ./screener synth}.</li>
 * </ul>
 *
 * Mask labels: 1 lung_nodule, 2 liver_tumor, 3 kidney_tumor, 4 cyst, 5 bleed, 6 ggo; 0 background.
 */
package org.screener.data.synth;
