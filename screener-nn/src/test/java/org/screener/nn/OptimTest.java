package org.screener.nn;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.optim.Adam;
import org.screener.nn.optim.AdamW;
import org.screener.nn.optim.GradClip;
import org.screener.nn.optim.LrSchedule;
import org.screener.nn.optim.Optimizer;
import org.screener.nn.optim.SGD;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Optimizer updates, clipping and schedules against values worked out by hand in the comments. */
class OptimTest {
    /** Sets the parameter's gradient to g (via backward of sum(p * g)). */
    static void setGrad(Parameter p, float... g) {
        p.zeroGrad();
        p.tensor().mul(Tensor.of(g, g.length)).sum().backward();
    }

    static Parameter param(float... v) { return new Parameter(Tensor.of(v, v.length)); }

    @Test
    void sgdMomentumAndWeightDecay() {
        Parameter p = param(1f, -2f);
        SGD opt = new SGD(List.of(p), 0.1, 0.9, 0.5, false);
        // step 1: g = [0.5, 1] + 0.5*[1, -2] = [1, 0]; buf = g; w = [1 - 0.1, -2] = [0.9, -2]
        setGrad(p, 0.5f, 1f);
        opt.step();
        assertArrayEquals(new float[]{0.9f, -2f}, p.tensor().toArray(), 1e-6f);
        // step 2: g = [0.5, 1] + 0.5*[0.9, -2] = [0.95, 0]; buf = 0.9*[1, 0] + [0.95, 0] = [1.85, 0]; w = [0.9 - 0.185, -2]
        setGrad(p, 0.5f, 1f);
        opt.step();
        assertArrayEquals(new float[]{0.715f, -2f}, p.tensor().toArray(), 1e-6f);
    }

    @Test
    void sgdNesterov() {
        Parameter p = param(1f);
        SGD opt = new SGD(List.of(p), 0.1, 0.5, 0, true);
        // step 1: buf = 2; g = 2 + 0.5*2 = 3; w = 1 - 0.3 = 0.7
        setGrad(p, 2f);
        opt.step();
        assertEquals(0.7f, p.tensor().toArray()[0], 1e-6f);
        // step 2: buf = 0.5*2 + 2 = 3; g = 2 + 1.5 = 3.5; w = 0.7 - 0.35 = 0.35
        setGrad(p, 2f);
        opt.step();
        assertEquals(0.35f, p.tensor().toArray()[0], 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> new SGD(List.of(p), 0.1, 0, 0, true));
    }

    @Test
    void adamBiasCorrection() {
        Parameter p = param(1f, 1f);
        Adam opt = new Adam(List.of(p), 0.01);
        // step 1: m = 0.1 g, v = 0.001 g²; m̂ = g, v̂ = g²; update = lr * g/(|g| + 1e-8) = ±0.01
        setGrad(p, 4f, -0.5f);
        opt.step();
        assertArrayEquals(new float[]{0.99f, 1.01f}, p.tensor().toArray(), 1e-6f);
        // step 2 with g = [2, -0.5]: m = 0.9*0.4 + 0.2 = 0.56, v = 0.999*0.016 + 0.004 = 0.019984
        // m̂ = 0.56/0.19 = 2.947368, v̂ = 0.019984/0.001999 = 9.996998; update = 0.01 * 2.947368/3.161803 = 0.0093218
        setGrad(p, 2f, -0.5f);
        opt.step();
        assertEquals(0.99 - 0.0093218, p.tensor().toArray()[0], 1e-6);
        assertEquals(1.02, p.tensor().toArray()[1], 1e-6);
        assertEquals(2, opt.stepCount());
    }

    @Test
    void adamL2VersusAdamWDecoupledDecay() {
        // zero gradient isolates the decay. AdamW: w = 2 * (1 - 0.1*0.5) = 1.9 and the Adam part is 0/(0+eps) = 0.
        Parameter a = param(2f);
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("w", a);
        AdamW w = new AdamW(m, 0.1, 0.9, 0.999, 1e-8, 0.5);
        setGrad(a, 0f);
        w.step();
        assertEquals(1.9f, a.tensor().toArray()[0], 1e-6f);
        // Adam (L2): g = 0 + 0.5*2 = 1, so the first step moves by lr = 0.1 whatever the decay size: 1.9
        Parameter b = param(2f);
        Map<String, Parameter> m2 = new LinkedHashMap<>();
        m2.put("w", b);
        Adam l2 = new Adam(m2, 0.1, 0.9, 0.999, 1e-8, 0.5);
        setGrad(b, 0f);
        l2.step();
        assertEquals(1.9f, b.tensor().toArray()[0], 1e-6f);
        // with large eps the two differ: AdamW still 2*(1-0.05)=1.9 minus 0; Adam L2: 2 - 0.1 * 1/(1+1) = 1.95
        Parameter c = param(2f), d = param(2f);
        AdamW w2 = new AdamW(Map.of("w", c), 0.1, 0.9, 0.999, 1.0, 0.5);
        Adam l22 = new Adam(Map.of("w", d), 0.1, 0.9, 0.999, 1.0, 0.5);
        setGrad(c, 0f);
        setGrad(d, 0f);
        w2.step();
        l22.step();
        assertEquals(1.9f, c.tensor().toArray()[0], 1e-6f);
        assertEquals(1.95f, d.tensor().toArray()[0], 1e-6f);
    }

    @Test
    void clipGradNormScalesToTheLimitAndReturnsTheNorm() {
        Parameter a = param(0f, 0f), b = param(0f);
        setGrad(a, 3f, 0f);
        setGrad(b, 4f);
        double n = GradClip.clipGradNorm(List.of(a, b), 1.0);
        assertEquals(5.0, n, 1e-6);
        assertArrayEquals(new float[]{0.6f, 0f}, a.grad().toArray(), 1e-6f);
        assertArrayEquals(new float[]{0.8f}, b.grad().toArray(), 1e-6f);
        assertEquals(1.0, GradClip.globalNorm(List.of(a, b)), 1e-5);
        // below the limit: untouched
        double n2 = GradClip.clipGradNorm(List.of(a, b), 10.0);
        assertEquals(1.0, n2, 1e-5);
        assertArrayEquals(new float[]{0.8f}, b.grad().toArray(), 1e-6f);
    }

    @Test
    void warmupCosineAtKeySteps() {
        LrSchedule s = LrSchedule.warmupCosine(3e-4, 10, 110, 0);
        assertEquals(0, s.lr(0), 1e-15);
        assertEquals(1.5e-4, s.lr(5), 1e-15);
        assertEquals(3e-4, s.lr(10), 1e-15);
        assertEquals(1.5e-4, s.lr(60), 1e-12);                     // half way: cos(pi/2) = 0
        assertEquals(3e-4 * 0.5 * (1 + Math.cos(Math.PI * 0.25)), s.lr(35), 1e-15);
        assertEquals(0, s.lr(110), 1e-15);
        assertEquals(0, s.lr(500), 1e-15);
        assertThrows(IllegalArgumentException.class, () -> LrSchedule.warmupCosine(1, 10, 10, 0));
    }

    @Test
    void oneCycleAtKeySteps() {
        // peak 1, 101 steps, 30% warm-up: start 1/25 = 0.04, peak at step 0.3*101 - 1 = 29.3, end 0.04/1e4 = 4e-6 at step 100
        LrSchedule s = LrSchedule.oneCycle(1.0, 101, 0.3, 25, 1e4);
        assertEquals(0.04, s.lr(0), 1e-12);
        double mid = 0.04 + (1 - 0.04) / 2 * (1 - Math.cos(Math.PI * 10 / 29.3));
        assertEquals(mid, s.lr(10), 1e-12);
        assertEquals(4e-6, s.lr(100), 1e-12);
        double pct = (60 - 29.3) / (100 - 29.3);
        assertEquals(4e-6 + (1 - 4e-6) / 2 * (1 + Math.cos(Math.PI * pct)), s.lr(60), 1e-12);
        double peakNear = Math.max(s.lr(29), s.lr(30));
        assertEquals(1.0, peakNear, 1e-3);
    }

    @Test
    void optimizerStateRoundTripResumesIdentically(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        float[] g1 = {0.3f, -1f, 2f}, g2 = {-0.7f, 0.1f, 0.4f};
        Parameter p = param(1f, 2f, 3f);
        Map<String, Parameter> m = Map.of("layer.weight", p);
        AdamW a = new AdamW(m, 0.05, 0.9, 0.99, 1e-6, 0.1);
        setGrad(p, g1);
        a.step();
        Path f = dir.resolve("opt.safetensors");
        Checkpoint.saveOptimizer(f, a, Map.of("epoch", "3"));
        float[] after1 = p.tensor().toArray();
        setGrad(p, g2);
        a.step();
        float[] continued = p.tensor().toArray();

        Parameter q = new Parameter(Tensor.of(after1, 3));
        AdamW b = new AdamW(Map.of("layer.weight", q), 0.0, 0.9, 0.99, 1e-6, 0.1);
        Map<String, String> meta = Checkpoint.loadOptimizer(f, b);
        assertEquals("3", meta.get("epoch"));
        assertEquals(0.05, b.lr(), 0);
        assertEquals(1, b.stepCount());
        setGrad(q, g2);
        b.step();
        assertArrayEquals(continued, q.tensor().toArray());
        Optimizer wrong = new SGD(List.of(q), 0.1, 0.9, 0, false);
        assertThrows(IllegalArgumentException.class, () -> Checkpoint.loadOptimizer(f, wrong));
        try (var files = Files.list(dir)) { assertEquals(1, files.count(), "no temporary file may be left behind"); }
    }

    /** The cpu backend, counting host transfers and allocations: every call named in counts adds one there. */
    static Backend counting(Map<String, AtomicInteger> counts) {
        Backend cpu = Backends.get("cpu");
        return (Backend) java.lang.reflect.Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class},
                (proxy, m, args) -> {
                    AtomicInteger c = counts.get(m.getName());
                    if (c != null) c.incrementAndGet();
                    try {
                        return m.invoke(cpu, args);
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void stepAndClippingStayOnTheBackendAndAllocateNothing() {
        Map<String, AtomicInteger> counts = new LinkedHashMap<>();
        for (String k : List.of("read", "readDouble", "write", "writeDouble", "allocate")) counts.put(k, new AtomicInteger());
        Backend be = counting(counts);
        Random rnd = new Random(3);
        List<Parameter> ps = List.of(new Parameter(Tensor.randn(be, rnd, 1f, 3, 5)), new Parameter(Tensor.randn(be, rnd, 1f, 40_000)),
                new Parameter(Tensor.randn(be, rnd, 1f, 2)));
        for (Optimizer opt : List.of(new AdamW(ps, 1e-3, 1e-2), new Adam(ps, 1e-3), new SGD(ps, 0.1, 0.9, 1e-4, true),
                new SGD(ps, 0.1, 0, 0, false))) {
            for (int s = 0; s < 3; s++) {
                opt.zeroGrad();
                for (Parameter p : ps) p.tensor().accumulateGrad(Tensor.randn(be, rnd, 10f, p.shape()));
                counts.values().forEach(c -> c.set(0));
                double norm = GradClip.clipGradNorm(ps, 1.0);
                assertTrue(norm > 1, "the gradients must be large enough to be clipped: " + norm);
                opt.step();
                for (Map.Entry<String, AtomicInteger> c : counts.entrySet())
                    assertEquals(0, c.getValue().get(), opt.getClass().getSimpleName() + " step " + s + ": calls of " + c.getKey());
            }
        }
    }

    @Test
    void stateIsExportedForSteppedParametersOnlyAndUnknownKeysAreRejected() {
        Parameter a = param(1f, 2f), b = param(3f);
        Map<String, Parameter> m = new LinkedHashMap<>();
        m.put("a", a);
        m.put("b", b);
        SGD sgd = new SGD(m, 0.1, 0.9, 0, 0, false);
        assertTrue(sgd.stateTensors().isEmpty(), "nothing before the first step");
        setGrad(a, 1f, 1f);
        sgd.step();
        assertEquals(List.of("a.momentum_buffer"), List.copyOf(sgd.stateTensors().keySet()));
        assertArrayEquals(new float[]{1f, 1f}, sgd.stateTensors().get("a.momentum_buffer").toArray());
        // the export is a copy: a later step does not change it
        Tensor before = sgd.stateTensors().get("a.momentum_buffer");
        sgd.step();
        assertArrayEquals(new float[]{1f, 1f}, before.toArray());
        assertTrue(new SGD(m, 0.1, 0, 0, 0, false).stateTensors().isEmpty());

        SGD other = new SGD(m, 0.1, 0.9, 0, 0, false);
        Map<String, String> meta = sgd.stateMetadata();
        String msg = assertThrows(IllegalArgumentException.class,
                () -> other.loadState(Map.of("a.exp_avg", Tensor.of(new float[2], 2)), meta)).getMessage();
        assertTrue(msg.contains("a.exp_avg"), msg);
        assertThrows(IllegalArgumentException.class, () -> other.loadState(Map.of("a.momentum_buffer", Tensor.of(new float[3], 3)), meta));
        // restored: b has no state, so its next step is its first (buf = g), a continues from its buffer
        other.loadState(sgd.stateTensors(), meta);
        assertEquals(List.of("a.momentum_buffer"), List.copyOf(other.stateTensors().keySet()));
        setGrad(b, 2f);
        other.step();
        assertArrayEquals(new float[]{2f}, other.stateTensors().get("b.momentum_buffer").toArray());
        assertArrayEquals(new float[]{3f - 0.2f}, b.tensor().toArray(), 1e-6f);
    }

    @Test
    void stateFollowsAParameterMovedToAnotherBackend() {
        // the same two Adam steps, once on cpu and once moved to the reference backend between the steps
        Backend cpu = Backends.get("cpu"), ref = Backends.get("ref");
        Parameter stay = param(1f, -1f, 0.5f), move = param(1f, -1f, 0.5f);
        AdamW a = new AdamW(List.of(stay), 0.1, 0.01), b = new AdamW(List.of(move), 0.1, 0.01);
        setGrad(stay, 0.3f, -0.2f, 0.1f);
        setGrad(move, 0.3f, -0.2f, 0.1f);
        a.step();
        b.step();
        move.set(move.tensor().to(ref));
        assertEquals(ref, move.tensor().backend());
        stay.zeroGrad();
        stay.tensor().accumulateGrad(Tensor.of(cpu, new float[]{-0.5f, 0.4f, 0.2f}, 3));
        move.zeroGrad();
        move.tensor().accumulateGrad(Tensor.of(ref, new float[]{-0.5f, 0.4f, 0.2f}, 3));
        a.step();
        b.step();
        assertEquals(ref, b.stateTensors().get("0.exp_avg").backend());
        assertArrayEquals(stay.tensor().toArray(), move.tensor().toArray(), 1e-6f);
        assertArrayEquals(a.stateTensors().get("0.exp_avg_sq").toArray(), b.stateTensors().get("0.exp_avg_sq").toArray(), 1e-9f);
    }
}
