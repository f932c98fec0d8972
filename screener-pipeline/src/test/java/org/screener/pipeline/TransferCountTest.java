package org.screener.pipeline;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.CountingBackend;
import org.screener.core.TensorScope;
import org.screener.data.Volume;
import org.screener.nn.Module;
import org.screener.nn.density.DensityModel;
import org.screener.nn.infer.SlidingWindow;
import org.screener.nn.optim.AdamW;
import org.screener.nn.optim.GradClip;
import org.screener.nn.optim.Optimizer;
import org.screener.nn.train.StepFunction;
import org.screener.nn.unet.UNet3d;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The device-ready core's contract (issue 11), checked on a {@link CountingBackend} around the CPU backend: one
 * training step of every stage reads from the backend nothing but the scalars its progress line shows (the losses
 * and the gradient norm) and writes nothing but its batch; one sliding-window batch of windows writes its input
 * patch and reads nothing (the blended map is read once, at the end). A new host round trip anywhere in the UNet,
 * the losses, the norms, the optimizer, the clipping or the densities makes one of these fail.
 */
class TransferCountTest {
    static final int STEPS = 3;   // the counted step is the last: the first initialises act-norms from data

    @BeforeAll static void cohort() { DescriptorStageTest.cohort(); }

    record Traffic(long reads, long readBytes, long writes, long writeBytes, String report) {}

    /** Runs STEPS steps as the Trainer does (one scope each: step, clip, update, zeroGrad); the last one counted. */
    static Traffic lastStep(CountingBackend c, Module model, StepFunction fn, Optimizer opt) throws Exception {
        Traffic t = null;
        for (int s = 0; s < STEPS; s++) {
            c.reset();
            try (TensorScope scope = TensorScope.open()) {
                Map<String, Double> losses = fn.step(s, new Random(100 + s));
                assertTrue(Double.isFinite(GradClip.clipGradNorm(model.parameters(), 1.0)));
                opt.step();
                opt.zeroGrad();
                model.zeroGrad();
                assertFalse(losses.isEmpty());
            }
            t = new Traffic(c.reads(), c.readBytes(), c.writes(), c.writeBytes(), c.report());
        }
        return t;
    }

    static CountingBackend counting() { return CountingBackend.wrap(Backends.get("cpu")); }

    static void assertReadsOnly(Traffic t, int scalars, String what) {
        // each logged number is one read of a float or a double; the gradient norm is one double
        assertTrue(t.reads() <= scalars && t.readBytes() <= 8L * scalars,
                what + ": reads beyond its " + scalars + " logged scalars: " + t.report());
    }

    static void assertWritesOnly(Traffic t, int calls, long batchBytes, String what) {
        assertTrue(t.writes() <= calls && t.writeBytes() <= batchBytes,
                what + ": writes beyond its batch (" + calls + " writes, " + batchBytes + " bytes): " + t.report());
    }

    @ParameterizedTest(name = "descriptor step, {0}")
    @CsvSource({"vicreg, 5", "infonce, 2"})
    void descriptorStepReadsTheLossesAndWritesTheBatch(String objective, int scalars) throws Exception {
        CountingBackend c = counting();
        Backend be = c.backend();
        DescriptorConfig d = DescriptorStageTest.config(STEPS).descriptor;
        d.objective = objective;
        DescriptorModel model = new DescriptorModel(be, d, new Random(1));
        Traffic t = lastStep(c, model, new DescriptorTraining(be, model, DescriptorStageTest.source, d),
                new AdamW(model.namedParameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01));
        long vox = (long) d.cropSize[0] * d.cropSize[1] * d.cropSize[2];
        int m = d.pairsPerBatch, n = d.voxelsPerPair;
        // both views' crops, the two index lists, and InfoNCE's targets (2·m·n labels)
        long batch = 4L * (2 * m * vox) + 4L * (2 * m * n) + ("infonce".equals(objective) ? 4L * 2 * m * n : 0);
        assertReadsOnly(t, scalars, "descriptor (" + objective + ")");
        assertWritesOnly(t, "infonce".equals(objective) ? 4 : 3, batch, "descriptor (" + objective + ")");
    }

    @Test void conditionStepReadsTheLossesAndWritesTheBatch() throws Exception {
        CountingBackend c = counting();
        Backend be = c.backend();
        ConditionConfig k = ConditionStageTest.config(STEPS).condition;
        ConditionModel model = new ConditionModel(be, k, new Random(2));
        Traffic t = lastStep(c, model, new ConditionTraining(be, model, DescriptorStageTest.source, k),
                new AdamW(model.namedParameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01));
        long vox = (long) k.cropSize[0] * k.cropSize[1] * k.cropSize[2];
        int m = k.pairsPerBatch, n = k.voxelsPerPair;
        long batch = 4L * (2 * 2 * m * vox) + 4L * (2 * m * n);   // masked crops with their masks; the index lists
        assertReadsOnly(t, 5, "condition");
        assertWritesOnly(t, 3, batch, "condition");
    }

    /** The tiny UNets of the stage tests, random weights: what matters here is the traffic, not the features. */
    static ConditionSource condition(String kind, Backend be) {
        switch (kind) {
            case "none": return NoCondition.INSTANCE;
            case "sincos": return new SinCosPosition(2);
            default: return new LearnedCondition(new UNet3d(be, ConditionStageTest.config(1).condition.unet, new Random(4)));
        }
    }

    static DensityConfig densityConfig(String kind, String condition) {
        DensityConfig d = DensityConfig.cpuSmall();
        d.kind = kind;
        d.condition = condition;
        d.sincosFrequencies = 2;
        d.cropSize = new int[]{16, 16, 12};
        d.cropsPerBatch = 2;
        d.gaussianHidden = 8;
        d.flowSteps = 2;
        d.flowHidden = 16;
        return d;
    }

    @ParameterizedTest(name = "density step and sliding window, {0} + {1}")
    @CsvSource({"gaussian, none", "gaussian, sincos", "gaussian, learned", "flow, none", "flow, sincos", "flow, learned"})
    void densityStepAndWindowMoveOnlyTheirInputs(String kind, String cond) throws Exception {
        CountingBackend c = counting();
        Backend be = c.backend();
        DensityConfig d = densityConfig(kind, cond);
        UNet3d descriptor = new UNet3d(be, DescriptorStageTest.config(1).descriptor.unet, new Random(3));
        ConditionSource condition = condition(cond, be);
        DensityModel density = DensityTraining.newModel(be, d, descriptor.config.outChannels, condition.channels(), new Random(5));
        Traffic t = lastStep(c, density, new DensityTraining(be, descriptor, condition, density, DescriptorStageTest.source, d),
                new AdamW(density.namedParameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01));
        int[] cs = d.cropDHW();
        long crops = 4L * d.cropsPerBatch * cs[0] * cs[1] * cs[2];
        // sin-cos: the positions of the crops' pooled cells, computed on the host from the crop offsets (batch data)
        long positions = "sincos".equals(cond) ? 4L * d.cropsPerBatch * condition.channels() * cs[0] * cs[1] * cs[2] : 0;
        String what = kind + " + " + cond;
        assertReadsOnly(t, 2, what + " density step");
        assertWritesOnly(t, "sincos".equals(cond) ? 2 : 1, crops + positions, what + " density step");

        // inference: whole batches of windows through SlidingWindow; per batch only its patch goes in
        DensityScorer scorer = new DensityScorer(descriptor, density, condition, d.poolDHW());
        Volume v = DescriptorStageTest.source.volume(0);
        int[] dims = {v.nz, v.ny, v.nx};
        SlidingWindow.Options o = new SlidingWindow.Options().patch(16, 16, 16).overlap(0.25).backend(be);
        int windows = 1;
        for (int a = 0; a < 3; a++) windows *= SlidingWindow.starts(Math.max(dims[a], 16), 16, 0.25).length;
        c.reset();
        SlidingWindow.Result r = SlidingWindow.run(v.floats(), dims, scorer.patchFunction(dims), o);
        assertEquals(dims[0] * dims[1] * dims[2], r.data().length);
        long patch = 4L * 16 * 16 * 16, pos = "sincos".equals(cond) ? patch * condition.channels() : 0;
        // per window its patch (and sin-cos positions); once the importance map; the blended map read once
        assertTrue(c.reads() == 1, what + " sliding window: reads beyond the final map: " + c.report());
        int perWindow = "sincos".equals(cond) ? 2 : 1;
        assertTrue(c.writes() <= perWindow * windows + 1 && c.writeBytes() <= windows * (patch + pos) + patch,
                what + " sliding window over " + windows + " windows writes beyond its patches: " + c.report());
    }
}
