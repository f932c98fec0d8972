package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.cpu.Parallel;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The optimizer kernels (sgdUpdate, adamUpdate, sumSquares): the CPU kernels bit for bit against the host loops
 * the optimizers ran before the kernels existed, CPU against the double reference, and Backend's default
 * implementations (reached through a backend that forwards everything else to the CPU backend) against the
 * reference within float tolerance.
 */
class OptimKernelsTest {
    static final int[] SIZES = {1, 7, 33, 65537, 1_000_003};

    /** A backend that runs Backend's own defaults of the three optimizer kernels and forwards every other call to cpu. */
    static Backend defaults() {
        Backend cpu = TestUtil.cpu();
        Set<String> own = Set.of("sgdUpdate", "adamUpdate", "sumSquares");
        InvocationHandler h = (proxy, m, args) -> {
            try {
                if (own.contains(m.getName())) return InvocationHandler.invokeDefault(proxy, m, args);
                if (m.getName().equals("name") && m.getParameterCount() == 0) return "defaults";
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, h);
    }

    // ---- the oracle: Optimizer's host loops as they were (float state, double arithmetic per element) ----------

    static void oldSgd(float[] w, float[] g, float[] buf, double lr, double momentum, double dampening, double weightDecay,
                       boolean nesterov, boolean first) {
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + weightDecay * w[i];
            if (buf != null) {
                double b = first ? gi : momentum * buf[i] + (1 - dampening) * gi;
                buf[i] = (float) b;
                gi = nesterov ? gi + momentum * b : b;
            }
            w[i] = (float) (w[i] - lr * gi);
        }
    }

    static void oldAdam(float[] w, float[] g, float[] m, float[] v, long step, double lr, double beta1, double beta2, double eps,
                        double weightDecay, boolean decoupled) {
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < w.length; i++) {
            double wi = w[i], gi = g[i];
            if (decoupled) wi -= lr * weightDecay * wi;
            else gi += weightDecay * wi;
            double mi = beta1 * m[i] + (1 - beta1) * gi;
            double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = (float) mi;
            v[i] = (float) vi;
            w[i] = (float) (wi - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
        }
    }

    // ---- helpers ----------------------------------------------------------------------------------------------

    static Storage put(Backend b, float[] a) {
        Storage s = b.allocate(a.length);
        b.write(s, 0, a, 0, a.length);
        return s;
    }

    static float[] get(Backend b, Storage s, int n) {
        float[] a = new float[n];
        b.read(s, 0, a, 0, n);
        return a;
    }

    static double[] getDouble(Backend b, Storage s, int n) {
        double[] a = new double[n];
        b.readDouble(s, 0, a, 0, n);
        return a;
    }

    static void bitwise(String what, float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++)
            if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i]))
                fail(what + ": element " + i + " of " + expected.length + " is " + actual[i] + ", expected " + expected[i]);
    }

    static float[] gaussian(Random rnd, int n, double std) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (std * rnd.nextGaussian());
        return a;
    }

    /** SGD configurations: momentum, dampening, weight decay, nesterov. */
    static final double[][] SGD_CONFIGS = {{0, 0, 0, 0}, {0, 0, 1e-2, 0}, {0.9, 0, 0, 0}, {0.9, 0.3, 5e-4, 0}, {0.9, 0, 1e-2, 1}};

    /**
     * Adam configurations: beta1, beta2, eps, weight decay, decoupled. With L2 decay g + wd·w cancels to near 0
     * for some elements, where the step m/(sqrt(v) + eps) changes by 1/eps per unit of g: a float-rounded g then
     * moves w by up to lr·ulp/eps, so the configurations compared with a tolerance keep eps large there.
     */
    static final double[][] ADAM_CONFIGS = {{0.9, 0.999, 1e-8, 0, 0}, {0.9, 0.999, 1e-8, 1e-2, 1}, {0.8, 0.99, 1e-3, 0.1, 0},
            {0.5, 0.9, 1e-3, 0.5, 1}};

    /** Compared bit for bit only, so ill-conditioned ones are welcome. */
    static final double[][] ADAM_BITWISE_EXTRA = {{0.8, 0.99, 1e-6, 0.1, 0}, {0.9, 0.999, 1e-8, 1e-2, 0}};

    // ---- CPU against the old host loops, bit for bit ----------------------------------------------------------

    @Test
    void cpuSgdIsBitIdenticalToTheOldHostLoop() {
        Backend cpu = TestUtil.cpu();
        Random rnd = new Random(1);
        for (int n : SIZES)
            for (double[] c : SGD_CONFIGS) {
                String what = "sgd n=" + n + " config " + java.util.Arrays.toString(c);
                float[] w = gaussian(rnd, n, 1), buf = c[0] != 0 ? new float[n] : null;
                Storage sw = put(cpu, w), sb = buf != null ? cpu.allocate(n) : null;
                for (int step = 1; step <= 3; step++) {
                    float[] g = gaussian(rnd, n, 0.1);
                    double lr = 0.05 / step;
                    oldSgd(w, g, buf, lr, c[0], c[1], c[2], c[3] != 0, step == 1);
                    cpu.sgdUpdate(sw, put(cpu, g), sb, n, lr, c[0], c[1], c[2], c[3] != 0, step == 1);
                    bitwise(what + " step " + step + " w", w, get(cpu, sw, n));
                    if (buf != null) bitwise(what + " step " + step + " buf", buf, get(cpu, sb, n));
                }
            }
    }

    @Test
    void cpuAdamIsBitIdenticalToTheOldHostLoop() {
        Backend cpu = TestUtil.cpu();
        Random rnd = new Random(2);
        double[][] configs = java.util.stream.Stream.of(ADAM_CONFIGS, ADAM_BITWISE_EXTRA).flatMap(java.util.Arrays::stream)
                .toArray(double[][]::new);
        for (int n : SIZES)
            for (double[] c : configs) {
                String what = "adam n=" + n + " config " + java.util.Arrays.toString(c);
                float[] w = gaussian(rnd, n, 1), m = new float[n], v = new float[n];
                Storage sw = put(cpu, w), sm = cpu.allocate(n), sv = cpu.allocate(n);
                for (int step = 1; step <= 3; step++) {
                    float[] g = gaussian(rnd, n, 0.1);
                    double lr = 1e-3 * step;
                    oldAdam(w, g, m, v, step, lr, c[0], c[1], c[2], c[3], c[4] != 0);
                    cpu.adamUpdate(sw, put(cpu, g), sm, sv, n, lr, c[0], c[1], c[2], c[3], c[4] != 0,
                            1 - Math.pow(c[0], step), 1 - Math.pow(c[1], step));
                    bitwise(what + " step " + step + " w", w, get(cpu, sw, n));
                    bitwise(what + " step " + step + " exp_avg", m, get(cpu, sm, n));
                    bitwise(what + " step " + step + " exp_avg_sq", v, get(cpu, sv, n));
                }
            }
    }

    // ---- CPU and the defaults against the reference -----------------------------------------------------------

    @Test
    void sgdCpuAndDefaultMatchTheReference() {
        Backend ref = TestUtil.ref();
        Random rnd = new Random(3);
        for (Backend be : new Backend[]{TestUtil.cpu(), defaults()}) {
            boolean cpu = be == TestUtil.cpu();
            for (int n : SIZES)
                for (double[] c : SGD_CONFIGS) {
                    String what = be.name() + " sgd n=" + n + " config " + java.util.Arrays.toString(c);
                    float[] w = gaussian(rnd, n, 1);
                    boolean hasBuf = c[0] != 0;
                    Storage bw = put(be, w), bb = hasBuf ? be.allocate(n) : null;
                    Storage rw = put(ref, w), rb = hasBuf ? ref.allocate(n) : null;
                    for (int step = 1; step <= 3; step++) {
                        float[] g = gaussian(rnd, n, 0.1);
                        double lr = 0.05 / step;
                        be.sgdUpdate(bw, put(be, g), bb, n, lr, c[0], c[1], c[2], c[3] != 0, step == 1);
                        ref.sgdUpdate(rw, put(ref, g), rb, n, lr, c[0], c[1], c[2], c[3] != 0, step == 1);
                    }
                    // the CPU rounds only its stored state; the defaults round every intermediate
                    double rtol = cpu ? 1e-6 : 1e-5, atol = cpu ? 1e-7 : 2e-6;
                    TestUtil.close(what + " w", getDouble(ref, rw, n), get(be, bw, n), atol, rtol);
                    if (hasBuf) TestUtil.close(what + " buf", getDouble(ref, rb, n), get(be, bb, n), atol, rtol);
                }
        }
    }

    @Test
    void adamCpuAndDefaultMatchTheReference() {
        Backend ref = TestUtil.ref();
        Random rnd = new Random(4);
        for (Backend be : new Backend[]{TestUtil.cpu(), defaults()}) {
            boolean cpu = be == TestUtil.cpu();
            for (int n : SIZES)
                for (double[] c : ADAM_CONFIGS) {
                    String what = be.name() + " adam n=" + n + " config " + java.util.Arrays.toString(c);
                    float[] w = gaussian(rnd, n, 1);
                    Storage bw = put(be, w), bm = be.allocate(n), bv = be.allocate(n);
                    Storage rw = put(ref, w), rm = ref.allocate(n), rv = ref.allocate(n);
                    for (int step = 1; step <= 3; step++) {
                        float[] g = gaussian(rnd, n, 0.1);
                        double lr = 1e-2, bc1 = 1 - Math.pow(c[0], step), bc2 = 1 - Math.pow(c[1], step);
                        be.adamUpdate(bw, put(be, g), bm, bv, n, lr, c[0], c[1], c[2], c[3], c[4] != 0, bc1, bc2);
                        ref.adamUpdate(rw, put(ref, g), rm, rv, n, lr, c[0], c[1], c[2], c[3], c[4] != 0, bc1, bc2);
                    }
                    // w moves by about lr per step; the step's relative error is that of m / sqrt(v) (a few ulp)
                    double rtol = cpu ? 1e-6 : 1e-5, atol = cpu ? 1e-7 : 1e-6;
                    TestUtil.close(what + " w", getDouble(ref, rw, n), get(be, bw, n), atol, rtol);
                    // m sums gradients of either sign (g ~ 0.1): its error is absolute, a few float ulps of 0.01
                    TestUtil.close(what + " exp_avg", getDouble(ref, rm, n), get(be, bm, n), cpu ? 1e-8 : 1e-7, rtol);
                    TestUtil.close(what + " exp_avg_sq", getDouble(ref, rv, n), get(be, bv, n), 1e-12, rtol);
                }
        }
    }

    // ---- sumSquares --------------------------------------------------------------------------------------------

    @Test
    void sumSquaresMatchesTheReferenceAndIgnoresTheThreadCount() {
        Backend cpu = TestUtil.cpu(), ref = TestUtil.ref(), def = defaults();
        Random rnd = new Random(5);
        int[] sizes = {1, 7, 65536, 65537, 1_000_003, 0, 3, 300_001};
        Storage[] cs = new Storage[sizes.length], rs = new Storage[sizes.length], ds = new Storage[sizes.length];
        long[] lengths = new long[sizes.length];
        for (int k = 0; k < sizes.length; k++) {
            // storages longer than the counted length: the tail must not be summed
            float[] a = gaussian(rnd, sizes[k] + 5, k + 0.5);
            cs[k] = put(cpu, a);
            rs[k] = put(ref, a);
            ds[k] = put(def, a);
            lengths[k] = sizes[k];
        }
        double expected = ref.sumSquares(rs, lengths);
        int threads = Parallel.threads();
        try {
            Parallel.setThreads(1);
            double one = cpu.sumSquares(cs, lengths);
            Parallel.setThreads(2);
            double two = cpu.sumSquares(cs, lengths);
            Parallel.setThreads(3);
            double three = cpu.sumSquares(cs, lengths);
            assertEquals(Double.doubleToRawLongBits(one), Double.doubleToRawLongBits(two), "1 vs 2 threads: " + one + " vs " + two);
            assertEquals(Double.doubleToRawLongBits(one), Double.doubleToRawLongBits(three), "1 vs 3 threads: " + one + " vs " + three);
            assertEquals(expected, one, 1e-12 * expected, "cpu vs ref");
        } finally {
            Parallel.setThreads(threads);
        }
        assertEquals(expected, def.sumSquares(ds, lengths), 1e-5 * expected, "default vs ref");
        // one storage, exactly representable: 1² + 2² + ... + 7² = 140
        float[] small = {1, 2, 3, 4, 5, 6, 7};
        for (Backend be : new Backend[]{cpu, ref, def})
            assertEquals(140.0, be.sumSquares(new Storage[]{put(be, small)}, new long[]{7}), 0, be.name());
        assertEquals(0.0, cpu.sumSquares(new Storage[0], new long[0]), 0);
    }

    // ---- bad input -------------------------------------------------------------------------------------------

    @Test
    void badInputIsRejectedWithAClearMessage() {
        for (Backend be : new Backend[]{TestUtil.cpu(), TestUtil.ref(), defaults()}) {
            Storage w = be.allocate(4), g = be.allocate(4), s3 = be.allocate(3);
            String msg = assertThrows(IllegalArgumentException.class,
                    () -> be.sgdUpdate(w, g, null, 4, 0.1, 0.9, 0, 0, false, true)).getMessage();
            assertEquals(true, msg.contains("buf"), msg);
            assertThrows(IllegalArgumentException.class, () -> be.sgdUpdate(w, s3, null, 4, 0.1, 0, 0, 0, false, true));
            msg = assertThrows(IllegalArgumentException.class,
                    () -> be.adamUpdate(w, g, be.allocate(4), be.allocate(4), 4, 0.1, 0.9, 0.999, 1e-8, 0, true, 0, 0)).getMessage();
            assertEquals(true, msg.contains("bias corrections"), msg);
            assertThrows(IllegalArgumentException.class, () -> be.sumSquares(new Storage[]{w}, new long[]{1, 2}));
            assertThrows(IllegalArgumentException.class, () -> be.sumSquares(new Storage[]{w}, new long[]{5}));
        }
    }
}
