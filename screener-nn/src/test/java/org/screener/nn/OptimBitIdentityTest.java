package org.screener.nn;

import org.junit.jupiter.api.Test;
import org.screener.core.Tensor;
import org.screener.nn.layers.Conv3d;
import org.screener.nn.layers.Linear;
import org.screener.nn.optim.Adam;
import org.screener.nn.optim.AdamW;
import org.screener.nn.optim.GradClip;
import org.screener.nn.optim.Optimizer;
import org.screener.nn.optim.SGD;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The optimizers on the backend train bit for bit like the host loops they replaced: a small model (a Conv3d, a
 * Linear, a parameter of 70 000 elements so the kernels run in several parallel chunks, and one parameter that
 * only has a gradient on even steps) trained 20 steps with gradient clipping by the new optimizer and by a copy
 * of the old host algorithm; weights and state are compared bitwise after every step. Half way the new optimizer
 * is saved and restored into a fresh one, which must continue identically.
 */
class OptimBitIdentityTest {
    static final int STEPS = 20;

    /** The model's parameters, the same values for the same seed. */
    static Map<String, Parameter> model(long seed) {
        Random rnd = new Random(seed);
        Map<String, Parameter> ps = new LinkedHashMap<>();
        Conv3d conv = new Conv3d(1, 4, 3, 1, 1, true, rnd);
        Linear lin = new Linear(4, 3, true, rnd);
        ps.put("conv.weight", conv.weight);
        ps.put("conv.bias", conv.bias);
        ps.put("lin.weight", lin.weight);
        ps.put("lin.bias", lin.bias);
        ps.put("big", new Parameter(Tensor.randn(conv.weight.tensor().backend(), rnd, 0.5f, 70_000)));
        ps.put("sometimes", new Parameter(Tensor.randn(conv.weight.tensor().backend(), rnd, 1f, 5)));
        return ps;
    }

    /** Loss of step s on fixed random data; "sometimes" takes part on even steps only. */
    static Tensor loss(Map<String, Parameter> ps, int s) {
        Random rnd = new Random(100 + s);
        Tensor x = Tensor.randn(ps.get("big").tensor().backend(), rnd, 1f, 2, 1, 5, 6, 7);
        Tensor target = Tensor.randn(x.backend(), rnd, 1f, 2, 3);
        Tensor c = Tensor.randn(x.backend(), rnd, 1f, 70_000);
        Tensor h = org.screener.core.ops.Conv.conv3d(x, ps.get("conv.weight").tensor(), ps.get("conv.bias").tensor(), 1, 1);
        Tensor f = h.square().mean(2, 3, 4);                                        // (2, 4)
        Tensor out = f.matmul(transpose(ps.get("lin.weight").tensor())).add(ps.get("lin.bias").tensor());
        Tensor l = out.sub(target).square().sum();
        l = l.add(ps.get("big").tensor().square().mul(c).sum().mul(1e-3f));
        if (s % 2 == 0) l = l.add(ps.get("sometimes").tensor().square().sum());
        return l;
    }

    static Tensor transpose(Tensor w) { return org.screener.core.ops.Shapes.permute(w, 1, 0); }

    // ---- the old host algorithm, as Optimizer/SGD/Adam/GradClip were before the backend kernels -----------------

    static final class OldOptimizer {
        final Map<String, Parameter> params;
        final boolean adam, decoupled, nesterov;
        final double lr, a, b, eps, wd, dampening;
        long step;
        final Map<String, Map<String, float[]>> state = new LinkedHashMap<>();

        /** adam: a = beta1, b = beta2; sgd: a = momentum. */
        OldOptimizer(Map<String, Parameter> params, boolean adam, boolean decoupled, double lr, double a, double b, double eps,
                     double wd, double dampening, boolean nesterov) {
            this.params = params; this.adam = adam; this.decoupled = decoupled; this.lr = lr; this.a = a; this.b = b;
            this.eps = eps; this.wd = wd; this.dampening = dampening; this.nesterov = nesterov;
        }

        void step() {
            step++;
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                Parameter p = e.getValue();
                Tensor g = p.grad();
                if (g == null) continue;
                float[] w = p.tensor().toArray();
                float[] ga = g.toArray();
                Map<String, float[]> st = state.computeIfAbsent(e.getKey(), k -> new LinkedHashMap<>());
                if (adam) adam(w, ga, st); else sgd(w, ga, st);
                p.tensor().assign(Tensor.of(p.tensor().backend(), w, p.shape()));
            }
        }

        void sgd(float[] w, float[] g, Map<String, float[]> st) {
            double momentum = a;
            boolean first = !st.containsKey("momentum_buffer");
            float[] buf = momentum != 0 ? st.computeIfAbsent("momentum_buffer", k -> new float[w.length]) : null;
            for (int i = 0; i < w.length; i++) {
                double gi = g[i] + wd * w[i];
                if (buf != null) {
                    double bb = first ? gi : momentum * buf[i] + (1 - dampening) * gi;
                    buf[i] = (float) bb;
                    gi = nesterov ? gi + momentum * bb : bb;
                }
                w[i] = (float) (w[i] - lr * gi);
            }
        }

        void adam(float[] w, float[] g, Map<String, float[]> st) {
            double beta1 = a, beta2 = b;
            float[] m = st.computeIfAbsent("exp_avg", k -> new float[w.length]);
            float[] v = st.computeIfAbsent("exp_avg_sq", k -> new float[w.length]);
            double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
            for (int i = 0; i < w.length; i++) {
                double wi = w[i], gi = g[i];
                if (decoupled) wi -= lr * wd * wi;
                else gi += wd * wi;
                double mi = beta1 * m[i] + (1 - beta1) * gi;
                double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
                m[i] = (float) mi;
                v[i] = (float) vi;
                w[i] = (float) (wi - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
            }
        }

        static double globalNorm(Iterable<Parameter> params) {
            double s = 0;
            for (Parameter p : params) {
                Tensor g = p.grad();
                if (g == null) continue;
                for (float v : g.toArray()) s += (double) v * v;
            }
            return Math.sqrt(s);
        }

        /** Returns whether it scaled the gradients. */
        static boolean clipGradNorm(Iterable<Parameter> params, double maxNorm) {
            double norm = globalNorm(params);
            if (!Double.isFinite(norm)) return false;
            double coef = maxNorm / (norm + 1e-6);
            if (coef < 1) {
                for (Parameter p : params) {
                    Tensor g = p.grad();
                    if (g != null) g.assign(g.detach().mul((float) coef));
                }
                return true;
            }
            return false;
        }
    }

    // ---- the comparison -------------------------------------------------------------------------------------

    static void bitwise(String what, float[] expected, float[] actual) {
        assertEquals(expected.length, actual.length, what + ": length");
        for (int i = 0; i < expected.length; i++)
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i]))
                fail(what + ": element " + i + " is " + actual[i] + ", expected " + expected[i]);
    }

    /** Trains both ways from the same start and compares weights, norms and state after every step. */
    static void trainBothWays(String what, Function<Map<String, Parameter>, Optimizer> make,
                              Function<Map<String, Parameter>, OldOptimizer> makeOld, double clip) {
        Map<String, Parameter> now = model(7), old = model(7);
        Optimizer opt = make.apply(now);
        OldOptimizer ref = makeOld.apply(old);
        int clipped = 0;
        for (int s = 1; s <= STEPS; s++) {
            if (s == STEPS / 2 + 1) {
                // resume: a fresh optimizer restored from the exported state continues identically
                Map<String, Tensor> saved = opt.stateTensors();
                Map<String, String> meta = opt.stateMetadata();
                opt = make.apply(now);
                opt.loadState(saved, meta);
            }
            opt.zeroGrad();
            for (Parameter p : old.values()) p.zeroGrad();
            loss(now, s).backward();
            loss(old, s).backward();
            if (clip > 0) {
                double n = GradClip.globalNorm(now.values()), n0 = OldOptimizer.globalNorm(old.values());
                // the new norm adds chunk partials in a fixed order, the old one element by element: equal to rounding
                assertEquals(n0, n, 1e-12 * n0, what + " step " + s + " norm");
                GradClip.clipGradNorm(now.values(), clip);
                if (OldOptimizer.clipGradNorm(old.values(), clip)) clipped++;
            }
            opt.step();
            ref.step();
            for (String k : now.keySet())
                bitwise(what + " step " + s + " " + k, old.get(k).tensor().toArray(), now.get(k).tensor().toArray());
            Map<String, Tensor> st = opt.stateTensors();
            int expectedStates = 0;
            for (Map.Entry<String, Map<String, float[]>> e : ref.state.entrySet())
                for (Map.Entry<String, float[]> x : e.getValue().entrySet()) {
                    String name = e.getKey() + "." + x.getKey();
                    assertTrue(st.containsKey(name), what + " step " + s + ": state " + name + " missing from " + st.keySet());
                    bitwise(what + " step " + s + " " + name, x.getValue(), st.get(name).toArray());
                    expectedStates++;
                }
            assertEquals(expectedStates, st.size(), what + " step " + s + ": exported " + st.keySet());
        }
        if (clip > 0) assertTrue(clipped >= 3, what + ": clipping happened on only " + clipped + " steps; the test needs more");
    }

    @Test
    void adamWWithClippingIsBitIdenticalToTheOldHostLoop() {
        trainBothWays("adamw", ps -> new AdamW(ps, 3e-3, 0.9, 0.999, 1e-8, 1e-2),
                ps -> new OldOptimizer(ps, true, true, 3e-3, 0.9, 0.999, 1e-8, 1e-2, 0, false), 1.0);
    }

    @Test
    void adamL2IsBitIdenticalToTheOldHostLoop() {
        trainBothWays("adam", ps -> new Adam(ps, 1e-3, 0.8, 0.99, 1e-6, 0.05),
                ps -> new OldOptimizer(ps, true, false, 1e-3, 0.8, 0.99, 1e-6, 0.05, 0, false), 0);
    }

    @Test
    void sgdNesterovAndDampenedWithClippingAreBitIdenticalToTheOldHostLoop() {
        trainBothWays("sgd nesterov", ps -> new SGD(ps, 1e-2, 0.9, 0, 1e-3, true),
                ps -> new OldOptimizer(ps, false, false, 1e-2, 0.9, 0, 0, 1e-3, 0, true), 2.0);
        trainBothWays("sgd dampened", ps -> new SGD(ps, 1e-2, 0.8, 0.3, 0, false),
                ps -> new OldOptimizer(ps, false, false, 1e-2, 0.8, 0, 0, 0, 0.3, false), 0);
        trainBothWays("sgd plain", ps -> new SGD(ps, 1e-2, 0, 0, 1e-3, false),
                ps -> new OldOptimizer(ps, false, false, 1e-2, 0, 0, 0, 1e-3, 0, false), 0);
    }
}
