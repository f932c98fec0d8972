package org.screener.pipeline;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.nn.io.Safetensors;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class DensityStageTest {
    final Backend be = Backends.getDefault();

    @BeforeAll static void cohort() { DescriptorStageTest.cohort(); }

    /** A model dir with a 3-step descriptor (the tiny UNet of DescriptorStageTest) and a tiny density config. */
    static ModelDir.Config trainedDescriptor(ModelDir dir, String kind, String condition, long steps) throws Exception {
        ModelDir.Config cfg = DescriptorStageTest.config(3);
        assertTrue(DescriptorStage.run(dir, DescriptorStageTest.source, cfg, Backends.getDefault(), null).finished());
        DensityConfig d = DensityConfig.cpuSmall();
        d.kind = kind;
        d.condition = condition;
        d.sincosFrequencies = 2;
        d.cropSize = new int[]{16, 16, 12};    // pooled 3×3×2 (x, y, z): 5×5×6 positions
        d.cropsPerBatch = 2;
        d.gaussianHidden = 8;
        d.flowSteps = 2;
        d.flowHidden = 16;
        d.steps = steps;
        d.lr = 1e-2;
        d.checkpointEvery = 10;
        cfg.density = d;
        return cfg;
    }

    static double mean(List<double[]> rows, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) s += rows.get(i)[2];   // columns: step, lr, loss
        return s / (to - from);
    }

    @Test void gaussianWithSinCosTrainsAndTheLossDecreases(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp.resolve("m"));
        ModelDir.Config cfg = trainedDescriptor(dir, "gaussian", "sincos", 30);
        cfg.density.lr = 3e-3;   // it starts at the first batch's marginal fit; 1e-2 overshoots from there
        DescriptorStage.Result r = DensityStage.run(dir, DescriptorStageTest.source, cfg, be, null);
        assertTrue(r.finished());
        List<double[]> rows = DescriptorStageTest.losses(dir.densityLosses());
        assertEquals(30, rows.size());
        // ten-step means: a step's loss varies by about 0.15 with its crops and noise, so five-step means moved by
        // 0.07-0.22 with the noise stream alone (measured on six streams; ten-step decrease 0.09-0.18)
        double first = mean(rows, 0, 10), last = mean(rows, 20, 30);
        System.out.printf("gaussian+sincos density loss: first 10 steps %.4f, last 10 %.4f%n", first, last);
        assertTrue(last < first - 0.05, "density loss " + first + " -> " + last);
        assertTrue(Files.isRegularFile(dir.density()));
        assertTrue(Files.isDirectory(dir.densityCheckpoints().resolve("step-000000030")));
        ModelDir.Config back = dir.readConfig();
        assertEquals("gaussian", back.density.kind);
        assertEquals("sincos", back.density.condition);
        assertEquals("12", Safetensors.read(dir.density()).metadata.get(DensityStage.META_CONDITION_CHANNELS),
                "6 × 2 frequencies = 12 condition channels");

        // the scorer: finite NLL map of the patch's shape, also for sizes that are no multiple of the stride
        DensityScorer s = DensityScorer.load(dir, be);
        Tensor patch = Tensor.randn(be, new Random(3), 1f, 1, 1, 13, 17, 19);
        Tensor map = s.scorePatch(patch, new int[]{2, 5, 7}, new int[]{32, 52, 64});
        assertArrayEquals(new int[]{1, 1, 13, 17, 19}, map.shape());
        for (float v : map.toArray()) assertTrue(Float.isFinite(v));
        // the same patch at another position scores differently (the condition is the position)
        float[] other = s.scorePatch(patch, new int[]{12, 30, 40}, new int[]{32, 52, 64}).toArray();
        assertFalse(java.util.Arrays.equals(map.toArray(), other));

        // through SlidingWindow over a whole preprocessed scan: one finite score per voxel
        org.screener.data.Volume v = DescriptorStageTest.source.volume(0);
        int[] dhw = {v.nz, v.ny, v.nx};
        org.screener.nn.infer.SlidingWindow.Result sw = org.screener.nn.infer.SlidingWindow.run(v.floats(), dhw,
                s.patchFunction(dhw), new org.screener.nn.infer.SlidingWindow.Options().patch(16, 24, 24).overlap(0.25));
        assertEquals(1, sw.channels());
        assertArrayEquals(dhw, sw.dims());
        for (float x : sw.data()) assertTrue(Float.isFinite(x));

        // resuming a finished run does nothing more
        DescriptorStage.Result again = DensityStage.run(dir, DescriptorStageTest.source, cfg, be, null);
        assertEquals(30, again.resumedFrom());
    }

    @Test void flowWithoutConditionTrainsAndScores(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp.resolve("m"));
        ModelDir.Config cfg = trainedDescriptor(dir, "flow", "none", 30);
        assertTrue(DensityStage.run(dir, DescriptorStageTest.source, cfg, be, null).finished());
        List<double[]> rows = DescriptorStageTest.losses(dir.densityLosses());
        double first = mean(rows, 0, 10), last = mean(rows, 20, 30);   // ten-step means, as above (decrease 0.06-0.14)
        System.out.printf("flow density loss: first 10 steps %.4f, last 10 %.4f%n", first, last);
        assertTrue(last < first, "flow loss " + first + " -> " + last);
        DensityScorer s = DensityScorer.load(dir, be);
        Tensor patch = Tensor.randn(be, new Random(4), 1f, 2, 1, 12, 16, 16);
        Tensor map = s.scorePatch(patch, new int[][]{{0, 0, 0}, {4, 4, 4}}, new int[]{32, 52, 64});
        assertArrayEquals(new int[]{2, 1, 12, 16, 16}, map.shape());
        for (float v : map.toArray()) assertTrue(Float.isFinite(v));
    }

    @Test void learnedConditionComesFromTheConditionStage(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp);
        ModelDir.Config cfg = trainedDescriptor(dir, DensityConfig.GAUSSIAN, DensityConfig.LEARNED, 6);
        Backend be = Backends.getDefault();
        // no condition model yet: a clear message naming the stage to train
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DensityStage.run(dir, DescriptorStageTest.source, cfg, be, null));
        assertTrue(e.getMessage().contains("--stage condition"), e.getMessage());

        cfg.condition = ConditionStageTest.config(2).condition;
        assertTrue(ConditionStage.run(dir, DescriptorStageTest.source, cfg, be, null).finished());
        assertTrue(DensityStage.run(dir, DescriptorStageTest.source, cfg, be, null).finished());

        DensityScorer scorer = DensityScorer.load(dir, be);
        assertEquals(DensityConfig.LEARNED, scorer.condition().name());
        assertEquals(ConditionStageTest.config(2).condition.unet.outChannels, scorer.condition().channels());
        Tensor patch = Tensor.rand(be, new Random(4), 0f, 1f, 1, 1, 16, 16, 16);
        // the learned condition depends on the image, so the condition map differs between two patches
        Tensor c1 = scorer.condition().condition(patch, new int[][]{{0, 0, 0}}, new int[][]{{16, 16, 16}});
        Tensor c2 = scorer.condition().condition(patch.mul(0.5f), new int[][]{{0, 0, 0}}, new int[][]{{16, 16, 16}});
        assertEquals(List.of(1, scorer.condition().channels(), 16, 16, 16), java.util.Arrays.stream(c1.shape()).boxed().toList());
        assertFalse(java.util.Arrays.equals(c1.toArray(), c2.toArray()));
        float[] nll = scorer.scorePatch(patch, new int[]{0, 0, 0}, new int[]{16, 16, 16}).toArray();
        for (float v : nll) assertTrue(Float.isFinite(v));
    }

    @Test void needsATrainedDescriptor(@TempDir Path tmp) {
        ModelDir dir = new ModelDir(tmp.resolve("m"));
        ModelDir.Config cfg = DescriptorStageTest.config(3);
        cfg.density = DensityConfig.cpuSmall();
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> DensityStage.run(dir, DescriptorStageTest.source, cfg, be, null));
        assertTrue(e.getMessage().contains("descriptor"), e.getMessage());
    }

    @Test void sinCosValuesFollowTheFormula() {
        SinCosPosition p = new SinCosPosition(3);
        assertEquals(18, p.channels());
        int[] size = {3, 4, 5};
        int[][] off = {{1, -2, 7}, {0, 0, 0}};
        int[][] scan = {{10, 20, 30}, {3, 4, 5}};
        Tensor c = p.condition(Tensor.zeros(be, 2, 1, size[0], size[1], size[2]), off, scan);
        assertArrayEquals(new int[]{2, 18, 3, 4, 5}, c.shape());
        float[] v = c.toArray();
        for (int b = 0; b < 2; b++)
            for (int d = 0; d < 3; d++)
                for (int h = 0; h < 4; h++)
                    for (int w = 0; w < 5; w++) {
                        int[] idx = {d, h, w};
                        for (int axis = 0; axis < 3; axis++)
                            for (int k = 0; k < 3; k++) {
                                double pos = (off[b][axis] + idx[axis] + 0.5) / scan[b][axis];
                                double arg = Math.PI * Math.pow(2, k) * pos;
                                int at = (((b * 18 + (axis * 3 + k) * 2) * 3 + d) * 4 + h) * 5 + w;
                                assertEquals(Math.sin(arg), v[at], 1e-6);
                                assertEquals(Math.cos(arg), v[at + 60], 1e-6);   // next channel: 3·4·5 voxels on
                            }
                    }
        assertEquals(0, NoCondition.INSTANCE.channels());
        assertNull(NoCondition.INSTANCE.condition(Tensor.zeros(be, 1, 1, 2, 2, 2), off, scan));
    }

    @Test void poolingShapesAndValues() {
        DensityConfig d = DensityConfig.paper();
        assertArrayEquals(new int[]{2, 3, 3}, d.poolDHW());
        assertArrayEquals(new int[]{64, 96, 96}, d.cropDHW());
        Tensor x = Tensor.randn(be, new Random(1), 1f, 2, 4, 64, 96, 96);
        assertArrayEquals(new int[]{2, 4, 32, 32, 32}, DensityTraining.pool(x, d.poolDHW()).shape());
        // cpu-small: 32³ crops give at least 4 positions per axis
        assertArrayEquals(new int[]{1, 1, 16, 10, 10},
                DensityTraining.pool(Tensor.zeros(be, 1, 1, 32, 32, 32), DensityConfig.cpuSmall().poolDHW()).shape());
        // kernel = stride: each output is the mean of its own 2×3×3 block
        Tensor s = Tensor.randn(be, new Random(2), 1f, 1, 1, 4, 6, 3);
        float[] in = s.toArray(), out = DensityTraining.pool(s, new int[]{2, 3, 3}).toArray();
        assertEquals(4, out.length);
        for (int od = 0; od < 2; od++)
            for (int oh = 0; oh < 2; oh++) {
                double sum = 0;
                for (int dd = 0; dd < 2; dd++) for (int hh = 0; hh < 3; hh++) for (int ww = 0; ww < 3; ww++)
                    sum += in[((od * 2 + dd) * 6 + oh * 3 + hh) * 3 + ww];
                assertEquals(sum / 18, out[od * 2 + oh], 1e-5);
            }
        DensityConfig bad = DensityConfig.cpuSmall();
        bad.cropSize = new int[]{32, 32, 6};
        assertThrows(IllegalArgumentException.class, bad::validate);
    }
}
