package org.screener.nn.train;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.TensorScope;
import org.screener.core.cpu.CpuBackend;
import org.screener.core.ops.Losses;
import org.screener.nn.optim.AdamW;
import org.screener.nn.optim.GradClip;
import org.screener.nn.optim.Optimizer;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trainer runs each step in a TensorScope: from the second step on every buffer comes from the CPU pool, and
 * the weights are bitwise those of the same steps without scopes.
 */
class ScopedTrainingTest {
    static final UNet3dConfig TINY = new UNet3dConfig(1, new int[]{4, 8}, new int[]{1, 1}, 3);
    static final long SEED = 11;

    /** A segmentation step on random data drawn from the step's Random: forward, cross-entropy, backward. */
    static StepFunction segmentation(UNet3d net, Backend be, int batch, int size) {
        return (step, rnd) -> {
            int vox = size * size * size;
            float[] x = new float[batch * vox];
            int[] lab = new int[batch * vox];
            for (int i = 0; i < x.length; i++) {
                lab[i] = rnd.nextInt(net.config.outChannels);
                x[i] = lab[i] + (float) rnd.nextGaussian();
            }
            Tensor loss = Losses.crossEntropy(net.forward(Tensor.of(be, x, batch, 1, size, size, size)), lab);
            loss.backward();
            return Map.of("loss", loss.itemDouble());
        };
    }

    /** What Trainer.run does per step, without a scope. */
    static void plainSteps(UNet3d net, Optimizer opt, StepFunction fn, int steps) throws Exception {
        net.zeroGrad();
        for (int s = 0; s < steps; s++) {
            fn.step(s, Trainer.stepRandom(SEED, s));
            GradClip.clipGradNorm(net.parameters(), 1.0);
            opt.step();
            opt.zeroGrad();
            net.zeroGrad();
        }
    }

    static float[][] weights(UNet3d net) {
        List<float[]> w = new ArrayList<>();
        for (Tensor t : net.stateDict().values()) w.add(t.toArray());
        return w.toArray(new float[0][]);
    }

    @Test void trainerStepsReuseEveryBufferAndMatchUnscopedStepsBitwise(@TempDir Path dir) throws Exception {
        Backend cpu = Backends.get("cpu");
        int steps = 5;
        UNet3d plain = new UNet3d(TINY, new Random(3));
        plainSteps(plain, new AdamW(plain.namedParameters(), 1e-2, 0.9, 0.999, 1e-8, 0.01), segmentation(plain, cpu, 2, 8), steps);

        long cap = CpuBackend.setPoolCapacity(512L << 20);
        CpuBackend.clearPool();
        try {
            UNet3d net = new UNet3d(TINY, new Random(3));
            StepFunction inner = segmentation(net, cpu, 2, 8);
            long[] missesAtStart = new long[steps + 1];
            StepFunction counted = (step, rnd) -> {
                missesAtStart[(int) step] = CpuBackend.poolStats().misses();
                assertTrue(TensorScope.current() != null, "the step runs in a scope");
                return inner.step(step, rnd);
            };
            Trainer t = new Trainer(net, new AdamW(net.namedParameters(), 1e-2, 0.9, 0.999, 1e-8, 0.01), counted, steps, dir)
                    .seed(SEED).clipGradNorm(1.0).progress(0, 0, null);
            t.run();
            assertNull(TensorScope.current());
            missesAtStart[steps] = CpuBackend.poolStats().misses();
            assertTrue(missesAtStart[1] - missesAtStart[0] > 50, "the first step allocates");
            for (int s = 1; s < steps; s++)
                assertEquals(0, missesAtStart[s + 1] - missesAtStart[s], "new arrays allocated in step " + s);
            assertTrue(CpuBackend.poolStats().hits() > 50 * (steps - 1));

            float[][] a = weights(plain), b = weights(net);
            assertEquals(a.length, b.length);
            for (int i = 0; i < a.length; i++) assertArrayEquals(a[i], b[i], "state entry " + i);
            for (Tensor p : net.stateDict().values()) assertTrue(!p.storage().isClosed());
        } finally {
            CpuBackend.clearPool();
            CpuBackend.setPoolCapacity(cap);
        }
    }

    // ---- measurement (run by hand: -Dtest=ScopedTrainingTest#measure -Dscreener.measure=true) ----------------

    static long allocatedBytesAllThreads() {
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long b : mx.getThreadAllocatedBytes(mx.getAllThreadIds())) if (b > 0) sum += b;
        return sum;
    }

    /** Median bytes allocated and ms per step over {@code steps} steps after {@code warm} warm-up steps. */
    static double[] perStep(UNet3d net, Optimizer opt, StepFunction fn, boolean scoped, int warm, int steps) throws Exception {
        long[] bytes = new long[steps];
        double[] ms = new double[steps];
        net.zeroGrad();
        for (int s = 0; s < warm + steps; s++) {
            long b0 = allocatedBytesAllThreads(), t0 = System.nanoTime();
            TensorScope scope = scoped ? TensorScope.open() : null;
            try {
                fn.step(s, Trainer.stepRandom(SEED, s));
                GradClip.clipGradNorm(net.parameters(), 1.0);
                opt.step();
                opt.zeroGrad();
                net.zeroGrad();
            } finally {
                if (scope != null) scope.close();
            }
            long t1 = System.nanoTime(), b1 = allocatedBytesAllThreads();
            if (s >= warm) { bytes[s - warm] = b1 - b0; ms[s - warm] = (t1 - t0) / 1e6; }
        }
        java.util.Arrays.sort(bytes);
        java.util.Arrays.sort(ms);
        return new double[]{bytes[steps / 2], ms[steps / 2]};
    }

    @Test void measure() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("screener.measure"), "measurement only on request");
        Backend cpu = Backends.get("cpu");
        String cfgName = System.getProperty("screener.measure.config", "cpu-small");
        int size = Integer.getInteger("screener.measure.size", 16), batch = Integer.getInteger("screener.measure.batch", 2);
        UNet3dConfig cfg = UNet3dConfig.preset(cfgName).withOutChannels(2);
        for (int round = 0; round < 2; round++)
            for (boolean scoped : new boolean[]{false, true}) {
                UNet3d net = new UNet3d(cfg, new Random(3));
                Optimizer opt = new AdamW(net.namedParameters(), 1e-3, 0.9, 0.999, 1e-8, 0.01);
                CpuBackend.clearPool();
                double[] r = perStep(net, opt, segmentation(net, cpu, batch, size), scoped, 5, 15);
                CpuBackend.PoolStats ps = CpuBackend.poolStats();
                System.out.printf(Locale.ROOT, "train-step %s %d^3 batch %d %s: alloc_mb=%.2f ms=%.1f pool_held_mb=%.1f params=%d%n",
                        cfgName, size, batch, scoped ? "scoped" : "unscoped", r[0] / 1e6, r[1], ps.bytesHeld() / 1e6,
                        net.numParameters());
            }
    }
}
