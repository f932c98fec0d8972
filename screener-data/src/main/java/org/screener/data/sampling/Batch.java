package org.screener.data.sampling;

import java.util.SplittableRandom;

/**
 * m crop pairs stacked: {@code view1}, {@code view2}, {@code mask1}, {@code mask2} are (m, 1, D, H, W)
 * row-major float arrays ({@link #shape()}); {@code idx1}, {@code idx2} are (m, n) flat voxel indices into
 * each pair's own crop (add {@code b · D·H·W} to address the stacked array). {@code volumes} names the volume
 * each pair came from; {@code index} is the batch's position in the loader's sequence.
 */
public record Batch(long index, int m, int[] crop, float[] view1, float[] view2, int[] idx1, int[] idx2,
                    float[] mask1, float[] mask2, String[] volumes) {

    /** (m, 1, D, H, W) with (D, H, W) = (z, y, x) crop size. */
    public int[] shape() { return new int[]{m, 1, crop[2], crop[1], crop[0]}; }

    public int voxelsPerPair() { return idx1.length / m; }

    /** Seed of batch b of a run with the given seed: independent of threads and timing. */
    public static long seedOf(long seed, long b) {
        long z = seed + (b + 1) * 0x9E3779B97F4A7C15L;      // splitmix64 finaliser
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Builds batch b: draws m volume indices and one sub-generator per pair from the batch seed, so the result
     * depends only on (seed, b), the source and the sampler.
     */
    public static Batch make(VolumeSource source, CropPairSampler sampler, int m, long seed, long b) {
        if (source.size() == 0) throw new IllegalArgumentException("Batch.make: empty volume source");
        CropPairConfig c = sampler.config();
        int vox = c.cropVoxels(), n = c.nVoxels;
        SplittableRandom rng = new SplittableRandom(seedOf(seed, b));
        float[] v1 = new float[m * vox], v2 = new float[m * vox], m1 = new float[m * vox], m2 = new float[m * vox];
        int[] i1 = new int[m * n], i2 = new int[m * n];
        String[] names = new String[m];
        for (int p = 0; p < m; p++) {
            int vi = rng.nextInt(source.size());
            SplittableRandom pr = rng.split();
            names[p] = source.name(vi);
            CropPair pair;
            try {
                pair = sampler.sample(source.volume(vi), pr);
            } catch (Exception | OutOfMemoryError e) {
                throw new LoaderException("batch " + b + ": volume '" + names[p] + "' failed: " + e, e);
            }
            System.arraycopy(pair.view1(), 0, v1, p * vox, vox);
            System.arraycopy(pair.view2(), 0, v2, p * vox, vox);
            System.arraycopy(pair.mask1(), 0, m1, p * vox, vox);
            System.arraycopy(pair.mask2(), 0, m2, p * vox, vox);
            System.arraycopy(pair.idx1(), 0, i1, p * n, n);
            System.arraycopy(pair.idx2(), 0, i2, p * n, n);
        }
        return new Batch(b, m, c.cropSize.clone(), v1, v2, i1, i2, m1, m2, names);
    }
}
