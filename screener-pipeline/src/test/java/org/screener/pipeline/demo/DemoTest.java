package org.screener.pipeline.demo;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.nn.density.ConditionalGaussian;
import org.screener.nn.density.Glow;
import org.screener.nn.density.MarginalGaussian;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;
import org.screener.pipeline.DensityScorer;
import org.screener.pipeline.NoCondition;
import org.screener.pipeline.SinCosPosition;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class DemoTest {
    final Backend be = Backends.getDefault();

    /** The demo's shared pass (descriptor once, each condition once) gives each row's own scorer's map. */
    @Test void allRowsMatchesEachScorerOnItsOwn() {
        Random rnd = new Random(4);
        UNet3d unet = new UNet3d(be, new UNet3dConfig(1, new int[]{4, 8}, new int[]{1, 1}, 6), rnd);
        int[] stride = {2, 3, 3};
        SinCosPosition sincos = new SinCosPosition(2);
        List<DensityScorer> scorers = List.of(
                new DensityScorer(unet, new MarginalGaussian(be, 6), NoCondition.INSTANCE, stride),
                new DensityScorer(unet, new ConditionalGaussian(be, 6, sincos.channels(), 5, rnd), sincos, stride),
                new DensityScorer(unet, new Glow(be, 6, 0, 2, 8, rnd), NoCondition.INSTANCE, stride),
                new DensityScorer(unet, new Glow(be, 6, sincos.channels(), 2, 8, rnd), sincos, stride));
        int[] scan = {20, 25, 30};
        int[][] offsets = {{0, 3, 5}, {4, 9, 14}};
        Tensor patches = Tensor.randn(be, rnd, 1f, 2, 1, 8, 12, 15);
        // data-dependent initialisation happens on the first call: do it once through the scorers
        for (DensityScorer s : scorers) s.scorePatch(patches, offsets, scan);
        try (Autograd.Scope g = Autograd.noGrad()) {
            float[] all = Demo.allRows(unet, scorers, stride, scan).apply(patches, offsets).toArray();
            int per = 8 * 12 * 15;
            for (int r = 0; r < scorers.size(); r++) {
                float[] own = scorers.get(r).scorePatch(patches, offsets, scan).toArray();
                for (int b = 0; b < 2; b++) {
                    float[] got = Arrays.copyOfRange(all, (b * scorers.size() + r) * per, (b * scorers.size() + r + 1) * per);
                    float[] want = Arrays.copyOfRange(own, b * per, (b + 1) * per);
                    assertArrayEquals(want, got, 1e-5f, "row " + r + ", patch " + b);
                }
            }
        }
    }

    @Test void kindSampleTakesEveryLesionVoxelAndNormalsOfTheBodyOnly() {
        int n = 50_000;
        boolean[] mask = new boolean[n], body = new boolean[n];
        int[] kind = new int[n];
        for (int i = 0; i < n; i++) { body[i] = i % 3 != 0; mask[i] = i % 97 == 1; kind[i] = mask[i] ? 2 : 0; }
        int[] s = Demo.kindSample(mask, body, kind, new Random(1));
        long lesions = Arrays.stream(s).filter(i -> mask[i]).count();
        assertEquals(java.util.stream.IntStream.range(0, n).filter(i -> mask[i]).count(), lesions);
        assertEquals(Demo.KIND_NEGATIVES, s.length - lesions);
        for (int i : s) assertTrue(mask[i] || body[i], "voxel " + i);
        assertEquals(s.length, Arrays.stream(s).distinct().count(), "no voxel twice");
    }
}
