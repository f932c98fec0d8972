package org.screener.pipeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.data.Volume;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.density.DensityModel;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class FeatureCacheTest {
    final Backend be = Backends.getDefault();

    static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    @Test void poolMatchesTheTensorOpOnAwkwardSizes() {
        Random r = new Random(1);
        int[][] dims = {{7, 11, 13}, {5, 9, 10}, {4, 6, 3}};
        int[][] strides = {{2, 3, 3}, {1, 2, 4}, {2, 3, 3}};
        for (int t = 0; t < dims.length; t++) {
            int[] d = dims[t], s = strides[t];
            int c = 3, n = d[0] * d[1] * d[2];
            float[] x = random(r, c * n);
            // channels 1..2 of the map against the op on those channels alone
            float[] got = FeatureCache.pool(be, x, 1, 2, d, s);
            float[] sub = java.util.Arrays.copyOfRange(x, n, 3 * n);
            float[] want = DensityTraining.pool(Tensor.of(be, sub, 1, 2, d[0], d[1], d[2]), s).toArray();
            assertEquals(want.length, got.length, "case " + t);
            for (int i = 0; i < got.length; i++) assertEquals(want[i], got[i], 1e-5, "case " + t + " index " + i);
        }
    }

    /** One volume exactly one window in size: the sliding window is a single forward pass, nothing is blended. */
    @Test void cachedMapsArePooledForwardPassesAndCropsPickTheRightBlock() throws Exception {
        Random r = new Random(2);
        UNet3d unet = new UNet3d(be, new UNet3dConfig(1, new int[]{4, 8}, new int[]{1, 1}, 5), r);
        int[] win = {8, 12, 16}, pool = {2, 3, 4};
        float[] img = new float[8 * 12 * 16];
        for (int i = 0; i < img.length; i++) img[i] = r.nextFloat();
        Volume v = Volume.ofFloats(16, 12, 8, img, new double[]{1, 1, 1}, Volume.diagonalAffine(new double[]{1, 1, 1}, new double[3]));
        SinCosPosition sincos = new SinCosPosition(2);
        FeatureCache fc = FeatureCache.build(unet, List.of(NoCondition.INSTANCE, sincos), VolumeSource.of(List.of(v), List.of("v")),
                win, pool, be, null);
        assertEquals(1, fc.size());
        assertEquals(5, fc.channels());
        assertEquals(12, fc.conditionChannels(DensityConfig.SINCOS));
        assertEquals(0, fc.conditionChannels(DensityConfig.NONE));
        assertArrayEquals(new int[]{4, 4, 4}, fc.dims(0));

        Tensor x = Tensor.of(be, img, 1, 1, 8, 12, 16);
        float[] desc = DensityTraining.pool(unet.forward(x), pool).toArray();
        float[] cond = DensityTraining.pool(sincos.condition(x, new int[][]{{0, 0, 0}}, new int[][]{{8, 12, 16}}), pool).toArray();
        float[] all = new float[desc.length], allC = new float[cond.length];
        fc.crop(0, null, new int[3], new int[]{4, 4, 4}, all, 0);
        fc.crop(0, DensityConfig.SINCOS, new int[3], new int[]{4, 4, 4}, allC, 0);
        for (int i = 0; i < desc.length; i++) assertEquals(desc[i], all[i], 1e-4, "descriptor " + i);
        for (int i = 0; i < cond.length; i++) assertEquals(cond[i], allC[i], 1e-5, "condition " + i);

        // a 2×3×2 block at (1, 0, 2), after a 7-value prefix
        int[] off = {1, 0, 2}, size = {2, 3, 2};
        float[] block = new float[7 + 5 * 12];
        fc.crop(0, null, off, size, block, 7);
        int k = 7;
        for (int c = 0; c < 5; c++)
            for (int z = 0; z < 2; z++)
                for (int y = 0; y < 3; y++)
                    for (int w = 0; w < 2; w++)
                        assertEquals(desc[((c * 4 + off[0] + z) * 4 + off[1] + y) * 4 + off[2] + w], block[k++], 1e-4);
        assertArrayEquals(new int[]{2, 4, 3}, fc.fittingCrop(new int[]{2, 9, 3}));
        assertThrows(IllegalArgumentException.class, () -> fc.crop(0, "learned", off, size, block, 0));
    }

    /**
     * On volumes the size of the density's crop, both training paths see the same pooled inputs from the same
     * random draws, so the first step's loss is the same: the cache changes the cost, not what is learned.
     */
    @Test void cachedAndUncachedStepsAgreeOnSingleWindowVolumes() throws Exception {
        Random r = new Random(3);
        UNet3d unet = new UNet3d(be, new UNet3dConfig(1, new int[]{4, 8}, new int[]{1, 1}, 4), r);
        DensityConfig d = DensityConfig.cpuSmall();
        d.kind = DensityConfig.GAUSSIAN;
        d.condition = DensityConfig.SINCOS;
        d.sincosFrequencies = 1;
        d.cropSize = new int[]{12, 12, 8};
        d.poolStride = new int[]{3, 3, 2};
        d.gaussianHidden = 4;
        List<Volume> vols = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            float[] img = new float[8 * 12 * 12];
            for (int j = 0; j < img.length; j++) img[j] = r.nextFloat();
            vols.add(Volume.ofFloats(12, 12, 8, img, new double[]{1, 1, 1}, Volume.diagonalAffine(new double[]{1, 1, 1}, new double[3])));
        }
        VolumeSource src = VolumeSource.of(vols, List.of("a", "b", "c"));
        SinCosPosition cond = new SinCosPosition(1);
        FeatureCache fc = FeatureCache.build(unet, List.of(cond), src, d.cropDHW(), d.poolDHW(), be, null);
        DensityModel m1 = DensityTraining.newModel(be, d, 4, cond.channels(), new Random(5));
        DensityModel m2 = DensityTraining.newModel(be, d, 4, cond.channels(), new Random(5));
        Map<String, Double> a = new DensityTraining(be, unet, cond, m1, src, d).step(0, new Random(9));
        Map<String, Double> b = new DensityTraining(be, fc, cond, m2, d).step(0, new Random(9));
        assertEquals(a.get("loss"), b.get("loss"), 1e-4 * Math.abs(a.get("loss")));

        // a lazy source is asked once, at the first step; declining (null) means training on crops, as without it
        int[] asked = {0};
        DensityModel m3 = DensityTraining.newModel(be, d, 4, cond.channels(), new Random(5));
        DensityTraining lazy = new DensityTraining(be, unet, cond, m3, src, d, () -> { asked[0]++; return null; });
        assertEquals(0, asked[0]);
        Map<String, Double> c = lazy.step(0, new Random(9));
        lazy.step(1, new Random(10));
        assertEquals(1, asked[0]);
        assertEquals(a.get("loss"), c.get("loss"), 1e-6 * Math.abs(a.get("loss")));

        // a density whose condition is not in the cache is refused, naming it
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new DensityTraining(be, fc, new SinCosPosition(2), m2, d));
        assertTrue(e.getMessage().contains("sincos"), e.getMessage());
    }

    /** The window count the stage weighs against its crops is the number of windows the feature pass runs. */
    @Test void windowCountIsWhatTheSlidingWindowRuns() throws Exception {
        int[][] sizes = {{8, 12, 16}, {20, 13, 40}, {5, 30, 17}};
        int[] win = {8, 12, 16};
        List<Volume> vols = new java.util.ArrayList<>();
        long total = 0;
        for (int[] s : sizes) {
            vols.add(Volume.ofFloats(s[2], s[1], s[0], new float[s[0] * s[1] * s[2]], new double[]{1, 1, 1},
                    Volume.diagonalAffine(new double[]{1, 1, 1}, new double[3])));
            int[] n = {0};
            org.screener.nn.infer.SlidingWindow.run(new float[s[0] * s[1] * s[2]], s, (p, off) -> p,
                    new org.screener.nn.infer.SlidingWindow.Options().patch(win[0], win[1], win[2]).overlap(FeatureCache.OVERLAP)
                            .progress((done, all) -> n[0] = all));
            total += n[0];
        }
        VolumeSource src = VolumeSource.of(vols, List.of("a", "b", "c"));
        assertEquals(total, FeatureCache.windows(src, win));
        List<int[]> read = FeatureCache.sizes(src);
        for (int i = 0; i < sizes.length; i++) assertArrayEquals(sizes[i], read.get(i));
        assertEquals(total, FeatureCache.windows(read, win));
        assertTrue(total > 3);

        // sizes that are not the volumes' are refused before anything is computed on them
        List<int[]> wrong = List.of(sizes[1], sizes[0], sizes[2]);
        UNet3d unet = new UNet3d(Backends.getDefault(),
                new UNet3dConfig(1, new int[]{2}, new int[]{0}, 2), new Random(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FeatureCache.build(unet,
                List.of(NoCondition.INSTANCE), src, wrong, win, new int[]{1, 1, 1}, Backends.getDefault(), null));
        assertTrue(e.getMessage().contains("volume 0 is 8×12×16"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> FeatureCache.build(unet, List.of(NoCondition.INSTANCE), src,
                List.of(sizes[0]), win, new int[]{1, 1, 1}, Backends.getDefault(), null));
    }

    @Test void configsWithoutTheFieldDoNotCache() {
        DensityConfig old = ModelDir.GSON.fromJson("{\"kind\":\"flow\",\"condition\":\"none\"}", DensityConfig.class);
        assertFalse(old.cachesFeatures());
        assertTrue(DensityConfig.cpuSmall().cachesFeatures());
        assertFalse(DensityConfig.paper().cachesFeatures());
    }

    @Test void cachedCropDefaultsToTheCropPooledAndIsValidated() {
        DensityConfig d = DensityConfig.cpuSmall();            // crop 32³ (x, y, z) pooled 3 × 3 × 2
        assertArrayEquals(new int[]{16, 10, 10}, d.cachedCropDHW());
        d.cachedCrop = new int[]{10, 11, 12};                    // (x, y, z)
        assertArrayEquals(new int[]{12, 11, 10}, d.cachedCropDHW());
        d.cachedCrop = new int[]{10, 0, 12};
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, d::validate);
        assertTrue(e.getMessage().contains("cachedCrop"), e.getMessage());
    }

    /** The uncached path end to end through the stage: trains and scores like the cached one. */
    @Test void uncachedStageStillTrains(@TempDir Path tmp) throws Exception {
        DescriptorStageTest.cohort();
        ModelDir dir = new ModelDir(tmp.resolve("m"));
        ModelDir.Config cfg = DensityStageTest.trainedDescriptor(dir, DensityConfig.GAUSSIAN, DensityConfig.NONE, 4);
        cfg.density.cacheFeatures = false;
        assertTrue(DensityStage.run(dir, DescriptorStageTest.source, cfg, be, null).finished());
        assertFalse(dir.readConfig().density.cachesFeatures());
        float[] nll = DensityScorer.load(dir, be).scorePatch(Tensor.rand(be, new Random(1), 0f, 1f, 1, 1, 12, 16, 16),
                new int[3], new int[]{12, 16, 16}).toArray();
        for (float v : nll) assertTrue(Float.isFinite(v));
    }
}
