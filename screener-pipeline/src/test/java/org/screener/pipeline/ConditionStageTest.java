package org.screener.pipeline;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.ops.Shapes;
import org.screener.data.Volume;
import org.screener.data.preprocess.PreprocessConfig;
import org.screener.data.preprocess.Preprocessor;
import org.screener.data.sampling.Batch;
import org.screener.data.sampling.VolumeSource;
import org.screener.data.synth.Cohort;
import org.screener.data.synth.SynthConfig;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.train.Trainer;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class ConditionStageTest {
    static VolumeSource source;
    static PreprocessConfig prep;
    static final Backend be = Backends.getDefault();

    /** Three tiny synthetic scans, preprocessed in memory at a coarse spacing (as in DescriptorStageTest). */
    @BeforeAll static void cohort() {
        prep = PreprocessConfig.defaults();
        prep.targetSpacing = new double[]{5, 5, 7.5};
        prep.clahe = false;
        Cohort c = new Cohort(SynthConfig.tiny(), 3, 0, List.of(), 7, 0);
        List<Volume> vols = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            vols.add(Preprocessor.run(c.generate(i).image, null, prep).image());
            names.add(c.name(i));
        }
        source = VolumeSource.of(vols, names);
    }

    /** cpu-small shrunk so a step takes a fraction of a second: crops 16³ in 4³ blocks, d_cond = 4. */
    static ModelDir.Config config(long steps) {
        DescriptorConfig d = DescriptorConfig.cpuSmall();
        d.unet = new UNet3dConfig(1, new int[]{4, 8}, new int[]{1, 1}, 8);
        d.cropSize = new int[]{16, 16, 16};
        d.voxelsPerPair = 64;
        d.expanderWidth = 64;
        ConditionConfig k = ConditionConfig.cpuSmall();
        k.unet = new UNet3dConfig(2, new int[]{4, 8}, new int[]{1, 1}, 4);
        k.cropSize = new int[]{16, 16, 16};
        k.maskBlock = new int[]{4, 4, 4};
        k.voxelsPerPair = 64;
        k.expanderWidth = 64;
        k.steps = steps;
        k.lr = 3e-3;
        k.checkpointEvery = 100;
        ModelDir.Config c = new ModelDir.Config();
        c.seed = 11;
        c.preprocess = prep;
        c.descriptor = d;
        c.condition = k;
        return c;
    }

    @Test void trainsEndToEndAndTheLossDecreases(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp.resolve("model"));
        DescriptorStage.Result r = ConditionStage.run(dir, source, config(24), be, null);
        assertTrue(r.finished());
        assertEquals(0, r.resumedFrom());
        assertEquals(24, r.stepsDone());

        ModelDir.Config back = dir.readConfig();
        assertEquals(config(24).condition.unet, back.condition.unet);
        assertArrayEquals(new int[]{4, 4, 4}, back.condition.maskBlock);
        UNet3d net = Checkpoint.loadUNet(dir.condition());
        assertEquals(2, net.config.inChannels);
        assertEquals(4, net.config.outChannels);
        assertTrue(Files.isDirectory(dir.conditionCheckpoints().resolve("step-000000024")));
        assertFalse(Files.exists(dir.descriptor()), "the condition stage writes no descriptor");

        List<double[]> rows = DescriptorStageTest.losses(dir.conditionLosses());
        assertEquals(24, rows.size());
        double first = 0, last = 0;
        for (int i = 0; i < 4; i++) { first += rows.get(i)[2]; last += rows.get(rows.size() - 1 - i)[2]; }
        assertTrue(last < first - 4 * 0.1, "mean loss of the last 4 steps " + last / 4 + " vs the first 4 " + first / 4);
        for (double[] row : rows) assertEquals(25 * row[3] + 25 * row[4] + row[5], row[2], 1e-4 * Math.abs(row[2]));

        // the saved network is the condition network: embed of an image gives (N, d_cond, D, H, W)
        Tensor img = Tensor.of(be, new float[16 * 16 * 16], 1, 1, 16, 16, 16);
        try (var s = Autograd.noGrad()) {
            assertArrayEquals(new int[]{1, 4, 16, 16, 16}, ConditionModel.embed(net, img).shape());
        }

        DescriptorStage.Result again = ConditionStage.run(dir, source, config(24), be, null);
        assertEquals(24, again.resumedFrom());
        assertTrue(again.finished());
    }

    @Test void maskedVoxelsAreZeroAndTheMaskIsTheSecondChannel() throws Exception {
        ModelDir.Config c = config(2);
        c.condition.maskProb = 1;   // every view masked
        ConditionModel model = new ConditionModel(be, c.condition, new Random(1));
        ConditionTraining step = new ConditionTraining(be, model, source, c.condition);
        Batch b = step.batch(new Random(5));
        Tensor x = step.input(b);
        int m = b.m(), vox = 16 * 16 * 16;
        assertArrayEquals(new int[]{2 * m, 2, 16, 16, 16}, x.shape());
        float[] xs = x.toArray();
        int zeros = 0, hiddenSignal = 0;
        for (int crop = 0; crop < 2 * m; crop++) {
            float[] view = crop < m ? b.view1() : b.view2(), mask = crop < m ? b.mask1() : b.mask2();
            int off = (crop % m) * vox, blocksMasked = 0;
            for (int i = 0; i < vox; i++) {
                float img = xs[(2 * crop) * vox + i], msk = xs[(2 * crop + 1) * vox + i];
                assertEquals(mask[off + i], msk, "mask channel, crop " + crop + " voxel " + i);
                assertTrue(msk == 0f || msk == 1f);
                if (msk == 0f) {
                    assertEquals(0f, img, "masked voxel " + i + " of crop " + crop);
                    zeros++;
                    blocksMasked++;
                    if (view[off + i] != 0f) hiddenSignal++;
                } else assertEquals(view[off + i], img, "visible voxel " + i + " of crop " + crop);
            }
            // floor(0.6 · 64) = 38 blocks of 4³ voxels
            assertEquals(38 * 64, blocksMasked, "masked voxels of crop " + crop);
        }
        assertTrue(zeros > 0 && hiddenSignal > zeros / 2, "the mask hides real image values: " + hiddenSignal + " of " + zeros);

        // inference: the image with an all-ones mask channel
        float[] img = new float[2 * vox];
        Random r = new Random(3);
        for (int i = 0; i < img.length; i++) img[i] = r.nextFloat();
        Tensor image = Tensor.of(be, img, 2, 1, 16, 16, 16);
        float[] ones = new float[2 * vox];
        java.util.Arrays.fill(ones, 1f);
        try (var s = Autograd.noGrad()) {
            Tensor want = model.forward(Shapes.concat(1, image, Tensor.of(be, ones, 2, 1, 16, 16, 16)));
            assertArrayEquals(want.toArray(), model.embed(image).toArray(), 0f);
            Tensor masked = model.forward(Shapes.concat(1, image, Tensor.of(be, new float[2 * vox], 2, 1, 16, 16, 16)));
            assertFalse(java.util.Arrays.equals(want.toArray(), masked.toArray()), "the mask channel reaches the output");
        }
        assertThrows(IllegalArgumentException.class, () -> model.embed(Tensor.of(be, new float[2 * vox], 1, 2, 16, 16, 16)));
    }

    @Test void interruptedAndResumedRunEqualsUninterruptedOne(@TempDir Path tmp) throws Exception {
        ModelDir a = new ModelDir(tmp.resolve("a")), b = new ModelDir(tmp.resolve("b"));
        ConditionStage.run(a, source, config(4), be, null);

        Trainer[] t = new Trainer[1];
        t[0] = ConditionStage.trainer(b, source, config(4), be, null, fn -> (step, rnd) -> {
            Map<String, Double> out = fn.step(step, rnd);
            if (step == 1) t[0].requestStop();
            return out;
        });
        DescriptorStage.Result stopped = ConditionStage.runAndFinish(b, t[0]);
        assertFalse(stopped.finished());
        assertEquals(2, stopped.stepsDone());
        assertFalse(Files.exists(b.condition()));

        DescriptorStage.Result resumed = ConditionStage.run(b, source, config(4), be, null);
        assertEquals(2, resumed.resumedFrom());
        assertTrue(resumed.finished());

        // Bit-identical, as in DescriptorStageTest (kernels sum in a fixed order for a given thread count).
        Map<String, Tensor> wa = DescriptorStageTest.assertSameRun(a.condition(), b.condition(), a.conditionLosses(), b.conditionLosses(), 4);
        ModelDir fresh = new ModelDir(tmp.resolve("fresh"));
        ModelDir.Config other = config(4);
        other.seed = 12;
        ConditionStage.run(fresh, source, other, be, null);
        Map<String, Tensor> wf = Checkpoint.loadUNet(fresh.condition()).stateDict();
        float maxDiff = 0;
        for (String k : wa.keySet()) {
            float[] x = wa.get(k).toArray(), y = wf.get(k).toArray();
            for (int i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
        }
        assertTrue(maxDiff > 1e-2, "another seed's weights differ by only " + maxDiff);
    }

    @Test void refusesToResumeWithAnotherConfigAndNeedsTheSection(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp.resolve("m"));
        ConditionStage.run(dir, source, config(2), be, null);
        ModelDir.Config other = config(2);
        other.condition.maskRatio = 0.5;
        assertThrows(IllegalStateException.class, () -> ConditionStage.run(dir, source, other, be, null));
        ModelDir.Config none = config(2);
        none.condition = null;
        assertThrows(IllegalArgumentException.class, () -> ConditionStage.run(new ModelDir(tmp.resolve("n")), source, none, be, null));
        // a directory written before the condition stage existed still reads, without the section
        ModelDir old = new ModelDir(tmp.resolve("old"));
        old.writeConfig(none);
        assertNull(old.readConfig().condition);
    }

    @Test void presets() {
        ConditionConfig p = ConditionConfig.paper().validate();
        assertEquals(UNet3dConfig.paper().withInChannels(2), p.unet);
        assertEquals(32, p.unet.outChannels);
        assertArrayEquals(new int[]{96, 96, 64}, p.cropSize);
        assertArrayEquals(new int[]{24, 24, 16}, p.maskBlock);
        assertArrayEquals(new double[]{4, 4, 6}, p.maxSpacing);
        assertEquals(0.9, p.maskProb);
        assertEquals(0.6, p.maskRatio);
        assertEquals(0.9, p.cropPairConfig().maskProb);
        ConditionConfig s = ConditionConfig.preset("cpu-small").validate();
        assertEquals(2, s.unet.inChannels);
        for (int a = 0; a < 3; a++) {
            assertEquals(0, s.cropSize[a] % s.maskBlock[a]);
            assertEquals(4, s.cropSize[a] / s.maskBlock[a], "4 blocks per axis as in the paper's crop");
        }
        assertThrows(IllegalArgumentException.class, () -> ConditionConfig.preset("huge"));
        ConditionConfig bad = ConditionConfig.cpuSmall();
        bad.maskBlock = new int[]{7, 8, 8};
        assertThrows(IllegalArgumentException.class, bad::validate);
        ConditionConfig oneChannel = ConditionConfig.cpuSmall();
        oneChannel.unet = oneChannel.unet.withInChannels(1);
        assertThrows(IllegalArgumentException.class, oneChannel::validate);
    }
}
