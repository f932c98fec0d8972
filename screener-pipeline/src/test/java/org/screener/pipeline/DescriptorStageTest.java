package org.screener.pipeline;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.data.Volume;
import org.screener.data.preprocess.PreprocessConfig;
import org.screener.data.preprocess.Preprocessor;
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

import static org.junit.jupiter.api.Assertions.*;

class DescriptorStageTest {
    static VolumeSource source;
    static PreprocessConfig prep;
    final Backend be = Backends.getDefault();

    /** Three tiny synthetic scans, preprocessed in memory at a coarse spacing (about 64×52×32 voxels). */
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

    /** cpu-small shrunk further so a step takes a fraction of a second. */
    static ModelDir.Config config(long steps) {
        DescriptorConfig d = DescriptorConfig.cpuSmall();
        d.unet = new UNet3dConfig(1, new int[]{4, 8}, new int[]{1, 1}, 8);
        d.cropSize = new int[]{16, 16, 16};
        d.voxelsPerPair = 64;
        d.expanderWidth = 64;
        d.steps = steps;
        d.lr = 3e-3;
        d.checkpointEvery = 100;
        ModelDir.Config c = new ModelDir.Config();
        c.seed = 11;
        c.preprocess = prep;
        c.descriptor = d;
        return c;
    }

    static List<double[]> losses(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<double[]> rows = new ArrayList<>();
        for (String l : lines.subList(1, lines.size())) {
            String[] s = l.split(",");
            double[] r = new double[s.length];
            for (int i = 0; i < s.length; i++) r[i] = Double.parseDouble(s[i]);
            rows.add(r);
        }
        return rows;
    }

    @Test void trainsEndToEndAndTheLossDecreases(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp.resolve("model"));
        DescriptorStage.Result r = DescriptorStage.run(dir, source, config(24), be, null);
        assertTrue(r.finished());
        assertEquals(0, r.resumedFrom());
        assertEquals(24, r.stepsDone());

        // self-describing directory
        ModelDir.Config back = dir.readConfig();
        assertEquals(11, back.seed);
        assertEquals(config(24).descriptor.unet, back.descriptor.unet);
        assertArrayEquals(new int[]{16, 16, 16}, back.descriptor.cropSize);
        UNet3d net = Checkpoint.loadUNet(dir.descriptor());
        assertEquals(back.descriptor.unet, net.config);
        assertTrue(Files.isDirectory(dir.descriptorCheckpoints().resolve("step-000000024")));

        List<double[]> rows = losses(dir.descriptorLosses());
        assertEquals(24, rows.size());
        double first = 0, last = 0;
        for (int i = 0; i < 4; i++) { first += rows.get(i)[2]; last += rows.get(rows.size() - 1 - i)[2]; }
        assertTrue(last < first - 4 * 0.1, "mean loss of the last 4 steps " + last / 4 + " vs the first 4 " + first / 4);
        // the loss column is the weighted sum of the logged terms
        for (double[] row : rows) assertEquals(25 * row[3] + 25 * row[4] + row[5], row[2], 1e-4 * Math.abs(row[2]));

        // running again on a finished directory does nothing more
        DescriptorStage.Result again = DescriptorStage.run(dir, source, config(24), be, null);
        assertEquals(24, again.resumedFrom());
        assertTrue(again.finished());
    }

    /** DenseInfoNCE instead of VICReg: the head is a projector, the loss is the InfoNCE loss and it falls. */
    @Test void infoNceObjectiveTrains(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp.resolve("model"));
        ModelDir.Config cfg = config(24);
        cfg.descriptor.objective = DescriptorConfig.INFONCE;
        assertTrue(DescriptorStage.run(dir, source, cfg, be, null).finished());
        assertEquals(DescriptorConfig.INFONCE, dir.readConfig().descriptor.objective);
        DescriptorModel m = new DescriptorModel(be, cfg.descriptor, new java.util.Random(0));
        assertTrue(m.namedParameters().keySet().stream().anyMatch(k -> k.startsWith("projector.")));
        assertTrue(m.namedParameters().keySet().stream().noneMatch(k -> k.startsWith("expander.")));
        List<double[]> rows = losses(dir.descriptorLosses());
        assertEquals(24, rows.size());
        // the loss starts near log(2M - 1) for M = 2 pairs × 64 voxels (chance) and must fall below it
        double chance = Math.log(2 * 2 * 64 - 1), first = 0, last = 0;
        for (int i = 0; i < 4; i++) { first += rows.get(i)[2] / 4; last += rows.get(rows.size() - 1 - i)[2] / 4; }
        assertTrue(Math.abs(first - chance) < 1.0, "first InfoNCE losses " + first + " vs chance " + chance);
        assertTrue(last < first - 0.3, "InfoNCE loss " + first + " -> " + last);

        cfg.descriptor.objective = "simclr";
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> cfg.descriptor.validate());
        assertTrue(e.getMessage().contains("simclr"), e.getMessage());
    }

    /**
     * Two runs of a stage gave bit-identical weights and identical loss logs (step, lr, loss) of {@code steps}
     * rows; returns the first run's weights.
     */
    static Map<String, Tensor> assertSameRun(Path weightsA, Path weightsB, Path lossesA, Path lossesB, int steps) throws Exception {
        Map<String, Tensor> wa = Checkpoint.loadUNet(weightsA).stateDict(), wb = Checkpoint.loadUNet(weightsB).stateDict();
        assertEquals(wa.keySet(), wb.keySet());
        for (String k : wa.keySet()) assertArrayEquals(wa.get(k).toArray(), wb.get(k).toArray(), 0f, k);
        List<double[]> la = losses(lossesA), lb = losses(lossesB);
        assertEquals(steps, lb.size());
        for (int i = 0; i < steps; i++) {
            assertEquals(la.get(i)[0], lb.get(i)[0]);
            assertEquals(la.get(i)[1], lb.get(i)[1], "lr at step " + (i + 1));
            assertEquals(la.get(i)[2], lb.get(i)[2], "loss at step " + (i + 1));
        }
        return wa;
    }

    @Test void interruptedAndResumedRunEqualsUninterruptedOne(@TempDir Path tmp) throws Exception {
        ModelDir a = new ModelDir(tmp.resolve("a")), b = new ModelDir(tmp.resolve("b"));
        DescriptorStage.run(a, source, config(6), be, null);

        Trainer[] t = new Trainer[1];
        t[0] = DescriptorStage.trainer(b, source, config(6), be, null, fn -> (step, rnd) -> {
            Map<String, Double> out = fn.step(step, rnd);
            if (step == 2) t[0].requestStop();
            return out;
        });
        DescriptorStage.Result stopped = DescriptorStage.runAndFinish(b, t[0]);
        assertFalse(stopped.finished());
        assertEquals(3, stopped.stepsDone());
        assertFalse(Files.exists(b.descriptor()));

        DescriptorStage.Result resumed = DescriptorStage.run(b, source, config(6), be, null);
        assertEquals(3, resumed.resumedFrom());
        assertTrue(resumed.finished());

        // Bit-identical: every kernel sums in an order fixed by the thread count (conv3d's weight gradient once
        // added per-thread partials in finishing order, which made resumed runs differ by ~1e-7).
        Map<String, Tensor> wa = assertSameRun(a.descriptor(), b.descriptor(), a.descriptorLosses(), b.descriptorLosses(), 6);
        // the same comparison tells a resume that restarts from scratch apart
        ModelDir fresh = new ModelDir(tmp.resolve("fresh"));
        ModelDir.Config other = config(6);
        other.seed = 12;
        DescriptorStage.run(fresh, source, other, be, null);
        Map<String, Tensor> wf = Checkpoint.loadUNet(fresh.descriptor()).stateDict();
        float maxDiff = 0;
        for (String k : wa.keySet()) {
            float[] x = wa.get(k).toArray(), y = wf.get(k).toArray();
            for (int i = 0; i < x.length; i++) maxDiff = Math.max(maxDiff, Math.abs(x[i] - y[i]));
        }
        assertTrue(maxDiff > 1e-2, "another seed's weights differ by only " + maxDiff);
    }

    /**
     * A run that builds the preprocessing cache and a run that finds it (copied from the first) train the same
     * weights. The cache stores float16 voxels; before a miss returned the cache's numbers, the first run's first
     * draw of each volume saw its float32 voxels (step 1's loss differed already, 1.9e-7 in the weights after
     * 60 cpu-small steps).
     */
    @Test void runThatBuildsTheCacheEqualsRunThatFindsIt(@TempDir Path tmp) throws Exception {
        Path data = Files.createDirectories(tmp.resolve("data"));
        Cohort c = new Cohort(SynthConfig.tiny(), 2, 0, List.of(), 7, 0);
        for (int i = 0; i < 2; i++) org.screener.data.io.Nifti.write(c.generate(i).image, data.resolve(c.name(i) + ".nii.gz"));
        ModelDir a = new ModelDir(tmp.resolve("a")), b = new ModelDir(tmp.resolve("b"));
        assertTrue(DescriptorStage.run(a, data, config(4), be, null).finished());
        Files.createDirectories(b.cache());
        try (var files = Files.list(a.cache())) {
            for (Path f : files.toList()) Files.copy(f, b.cache().resolve(f.getFileName()));
        }
        try (var files = Files.list(b.cache())) { assertEquals(2, files.count(), "one cache file per volume"); }
        assertTrue(DescriptorStage.run(b, data, config(4), be, null).finished());
        assertSameRun(a.descriptor(), b.descriptor(), a.descriptorLosses(), b.descriptorLosses(), 4);
    }

    @Test void shutdownHookStopsAfterTheCurrentStepWithACheckpoint(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp.resolve("m"));
        Trainer[] t = new Trainer[1];
        StopOnShutdown[] hook = new StopOnShutdown[1];
        Thread[] signal = new Thread[1];
        t[0] = DescriptorStage.trainer(dir, source, config(6), be, null, fn -> (step, rnd) -> {
            if (step == 1) {
                // what the JVM does on Ctrl-C: run the hook on its own thread; it blocks until the checkpoint is written
                signal[0] = new Thread(hook[0]::stopAndWait);
                signal[0].start();
                while (signal[0].getState() != Thread.State.WAITING) Thread.onSpinWait();
            }
            return fn.step(step, rnd);
        });
        DescriptorStage.Result r;
        try (StopOnShutdown h = new StopOnShutdown(t[0], new java.io.PrintStream(java.io.OutputStream.nullOutputStream()))) {
            hook[0] = h;
            r = DescriptorStage.runAndFinish(dir, t[0]);
            assertEquals(Thread.State.WAITING, signal[0].getState(), "the hook waits until the run is closed");
        }
        signal[0].join(5000);
        assertFalse(signal[0].isAlive());
        assertFalse(r.finished());
        assertEquals(2, r.stepsDone());
        assertTrue(Files.exists(dir.descriptorCheckpoints().resolve("step-000000002").resolve("state.json")));
        assertEquals(2, DescriptorStage.run(dir, source, config(6), be, null).resumedFrom());
    }

    @Test void refusesToResumeWithAnotherConfig(@TempDir Path tmp) throws Exception {
        ModelDir dir = new ModelDir(tmp.resolve("m"));
        DescriptorStage.run(dir, source, config(2), be, null);
        ModelDir.Config other = config(2);
        other.descriptor.expanderWidth = 96;
        assertThrows(IllegalStateException.class, () -> DescriptorStage.run(dir, source, other, be, null));
    }

    @Test void runConfigHasAFixedOrder() {
        // resuming in another JVM compares this string with the checkpoint's
        String s = DescriptorStage.runConfig(config(6));
        assertTrue(s.indexOf("\"preprocess\"") < s.indexOf("\"descriptor\""), s);
        assertEquals(s, DescriptorStage.runConfig(config(6)));
    }

    @Test void presetsFollowThePaper() {
        DescriptorConfig p = DescriptorConfig.paper().validate();
        assertArrayEquals(new int[]{96, 96, 64}, p.cropSize);
        assertEquals(1024, p.voxelsPerPair);
        assertEquals(8, p.pairsPerBatch);
        assertEquals(3e-4, p.lr);
        assertEquals(1e-3, p.eps);
        assertEquals(1e-6, p.weightDecay);
        assertEquals(1.0, p.clipNorm);
        assertEquals(UNet3dConfig.paper(), p.unet);
        DescriptorConfig s = DescriptorConfig.preset("cpu-small").validate();
        assertEquals(256, s.expanderWidth);
        assertEquals(0.0, s.cropPairConfig().maskProb);
        assertThrows(IllegalArgumentException.class, () -> DescriptorConfig.preset("huge"));
        DescriptorConfig bad = DescriptorConfig.cpuSmall();
        bad.cropSize = new int[]{2, 32, 32};
        assertThrows(IllegalArgumentException.class, bad::validate);
    }
}
