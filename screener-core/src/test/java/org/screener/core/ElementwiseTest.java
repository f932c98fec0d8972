package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Reductions;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElementwiseTest {
    @Test
    void broadcastingBinaryOpsGradcheck() {
        Random rnd = new Random(1);
        Tensor a = GradCheck.input(rnd, 0.5, 2, 2, 3, 4);
        Tensor b = GradCheck.input(rnd, 0.5, 2, 3, 1);
        GradCheck.check("add", t -> Elementwise.add(t[0], t[1]), a, b);
        GradCheck.check("sub", t -> Elementwise.sub(t[0], t[1]), a, b);
        GradCheck.check("mul", t -> Elementwise.mul(t[0], t[1]), a, b);
        GradCheck.check("div", t -> Elementwise.div(t[0], t[1]), a, b);
        GradCheck.check("pow", t -> Elementwise.pow(t[0], t[1]), a, b);
    }

    @Test
    void shapeErrorNamesOpAndShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void sumBackwardOnDefaultBackend() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y = Reductions.sum(x.mul(x), 1);
        assertArrayEquals(new float[]{14, 77}, y.toArray());
        Reductions.sum(y).backward();
        assertArrayEquals(new float[]{2, 4, 6, 8, 10, 12}, x.grad().toArray());
    }

    // ---- unary ops -------------------------------------------------------------------------------------

    /** Parameters p0, p1 used for each op in these tests. */
    static float[] params(UnaryOp op) {
        switch (op) {
            case LEAKY_RELU: return new float[]{0.1f, 0};
            case POW_SCALAR: return new float[]{2.5f, 0};
            case CLAMP: return new float[]{-0.5f, 0.7f};
            case ADD_SCALAR: return new float[]{0.3f, 0};
            case MUL_SCALAR: return new float[]{-1.7f, 0};
            default: return new float[]{0, 0};
        }
    }

    /** Inputs in the op's domain, at least gap away from its kinks. */
    static float[] domain(UnaryOp op, Random rnd, int n, double gap) {
        switch (op) {
            case LOG: case SQRT: case RECIPROCAL: case POW_SCALAR: return TestUtil.values(rnd, n, 0.3, 3, 0);
            case RELU: case LEAKY_RELU: case ABS: return TestUtil.values(rnd, n, -3, 3, gap, 0);
            case CLAMP: return TestUtil.values(rnd, n, -2, 2, gap, -0.5, 0.7);
            case EXP: case SILU: case GELU: case SIGMOID: case LOG_SIGMOID: case SOFTPLUS: case TANH:
                return TestUtil.values(rnd, n, -6, 6, 0);
            default: return TestUtil.values(rnd, n, -3, 3, 0);
        }
    }

    @Test
    void everyUnaryOpGradcheck() {
        Random rnd = new Random(2);
        for (UnaryOp op : UnaryOp.values()) {
            float[] p = params(op);
            float[] v = domain(op, rnd, 2 * 3 * 5, 1e-3);
            Tensor x = Tensor.of(GradCheck.ref(), v, 2, 3, 5).requiresGrad(true);
            GradCheck.check(op.name(), t -> Elementwise.unary(op, t[0], p[0], p[1]), x);
        }
    }

    @Test
    void everyUnaryOpCpuMatchesRef() {
        Random rnd = new Random(3);
        for (int n : new int[]{1, 7, 131, 100_003}) {
            for (UnaryOp op : UnaryOp.values()) {
                float[] p = params(op);
                float[] v = domain(op, rnd, n, 0);
                float[] g = TestUtil.values(rnd, n, -1, 1, 0);
                Backend cpu = TestUtil.cpu(), ref = TestUtil.ref();
                Tensor xc = Tensor.of(cpu, v, n), xr = Tensor.of(ref, v, n);
                Tensor yc = Tensor.zeros(cpu, n), yr = Tensor.zeros(ref, n);
                cpu.unary(op, xc.storage(), yc.storage(), n, p[0], p[1]);
                ref.unary(op, xr.storage(), yr.storage(), n, p[0], p[1]);
                TestUtil.close(op + " n=" + n, yr.toDoubleArray(), yc.toArray(), 1e-6, 2e-6);
                Tensor gc = Tensor.of(cpu, g, n), gr = Tensor.of(ref, g, n);
                Tensor gxc = Tensor.zeros(cpu, n), gxr = Tensor.zeros(ref, n);
                // the ref backward gets the cpu forward's float y, as it would in a float graph
                Tensor yrf = Tensor.of(ref, yc.toArray(), n);
                cpu.unaryBackward(op, xc.storage(), yc.storage(), gc.storage(), gxc.storage(), n, p[0], p[1]);
                ref.unaryBackward(op, xr.storage(), yrf.storage(), gr.storage(), gxr.storage(), n, p[0], p[1]);
                TestUtil.close(op + " backward n=" + n, gxr.toDoubleArray(), gxc.toArray(), 1e-6, 2e-6);
            }
        }
    }

    @Test
    void geluMatchesExactErfOverWideRange() {
        int n = 4001;
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = -12f + 24f * i / (n - 1);
        float[] y = Elementwise.unary(UnaryOp.GELU, Tensor.of(TestUtil.cpu(), v, n), 0, 0).toArray();
        double[] exact = new double[n];
        for (int i = 0; i < n; i++) exact[i] = 0.5 * v[i] * org.screener.core.ref.ElementwiseRef.erfc(-v[i] / Math.sqrt(2));
        // relative accuracy also in the far negative tail, where 1 + erf cancels
        for (int i = 0; i < n; i++)
            if (Math.abs(exact[i]) > 1e-30)
                assertTrue(Math.abs(y[i] - exact[i]) <= 3e-7 * Math.abs(exact[i]) + 1e-37,
                        "gelu(" + v[i] + ") = " + y[i] + " vs " + exact[i]);
    }

    // ---- binary ops with broadcasting --------------------------------------------------------------------

    static final int[][][] PATTERNS = {
            {{3, 5, 7}, {3, 5, 7}},
            {{3, 5, 7}, {}},
            {{}, {3, 5, 7}},
            {{1}, {1}},
            {{2, 3, 5, 7, 11}, {1, 3, 1, 1, 1}},
            {{2, 3, 5, 7, 11}, {2, 3, 1, 1, 1}},
            {{1, 3, 1, 1, 1}, {2, 3, 5, 7, 11}},
            {{2, 3, 5, 7, 11}, {3, 1, 1, 1}},
            {{2, 3, 5, 7, 11}, {1, 1, 5, 7, 11}},
            {{5, 1, 7}, {1, 6, 1}},
            {{4, 1}, {1, 17}},
            {{2, 3, 4, 5}, {3, 1, 5}},
            {{2, 33, 17, 19}, {1, 1, 17, 1}},
            {{13, 29}, {29}},
            {{2, 8, 31, 32, 33}, {1, 8, 1, 1, 1}},
            {{2, 8, 31, 32, 33}, {2, 8, 31, 32, 33}},
            {{2, 8, 31, 32, 33}, {}},
            {{2, 1, 31, 32, 33}, {1, 8, 1, 1, 33}},
    };

    static float[] operand(BinaryOp op, boolean second, Random rnd, int n) {
        if (op == BinaryOp.POW) return second ? TestUtil.values(rnd, n, -2, 2, 0) : TestUtil.values(rnd, n, 0.3, 2, 0);
        if (op == BinaryOp.DIV && second) return TestUtil.values(rnd, n, -2, 2, 0.3, 0);
        return TestUtil.values(rnd, n, -2, 2, 0);
    }

    @Test
    void everyBinaryOpCpuMatchesRefOnBroadcastPatterns() {
        Random rnd = new Random(4);
        Backend cpu = TestUtil.cpu(), ref = TestUtil.ref();
        for (int[][] pat : PATTERNS) {
            int[] as = pat[0], bs = pat[1];
            int[] os = Shape.broadcast("test", as, bs);
            for (BinaryOp op : BinaryOp.values()) {
                float[] av = operand(op, false, rnd, (int) Shape.numel(as)), bv = operand(op, true, rnd, (int) Shape.numel(bs));
                double[] expected = run(ref, op, av, as, bv, bs, os).toDoubleArray();
                float[] actual = run(cpu, op, av, as, bv, bs, os).toArray();
                TestUtil.close(op + " " + Shape.str(as) + " with " + Shape.str(bs), expected, actual, 1e-6, 1e-6);
            }
        }
    }

    @Test
    void powOfZeroBaseMatchesRef() {
        // the equality-mask trick of max's backward: pow(+0, y) is 1 at y == 0 and 0 for any y > 0
        float[] e = {-1f, 0f, -0f, 0.5f, Float.MIN_VALUE, 2f, Float.NaN, 3e38f, 1e-30f, 7f, 0f, 1f, 2f, 3f, 4f, 5f, 6f, 8f, 9f};
        int[] es = {e.length};
        for (float base : new float[]{0f, -0f}) {
            double[] expected = run(TestUtil.ref(), BinaryOp.POW, new float[]{base}, new int[]{1}, e, es, es).toDoubleArray();
            float[] actual = run(TestUtil.cpu(), BinaryOp.POW, new float[]{base}, new int[]{1}, e, es, es).toArray();
            TestUtil.close("pow(" + base + ", y)", expected, actual, 0, 0);
        }
    }

    private static Tensor run(Backend be, BinaryOp op, float[] av, int[] as, float[] bv, int[] bs, int[] os) {
        Tensor a = Tensor.of(be, av, as), b = Tensor.of(be, bv, bs), out = Tensor.zeros(be, os);
        be.binary(op, a.storage(), Shape.padTo(as, os.length), b.storage(), Shape.padTo(bs, os.length), out.storage(), os);
        return out;
    }

    @Test
    void inPlaceOutAliasingA() {
        Random rnd = new Random(5);
        Backend cpu = TestUtil.cpu(), ref = TestUtil.ref();
        List<int[][]> cases = new ArrayList<>();
        cases.add(new int[][]{{2, 3, 5, 7, 11}, {1, 3, 1, 1, 1}});
        cases.add(new int[][]{{2, 8, 31, 32, 33}, {2, 8, 31, 32, 33}});
        cases.add(new int[][]{{2, 8, 31, 32, 33}, {1, 1, 1, 1, 1}});
        cases.add(new int[][]{{37, 41}, {1, 41}});
        for (int[][] c : cases) {
            for (BinaryOp op : new BinaryOp[]{BinaryOp.ADD, BinaryOp.MUL, BinaryOp.SUB, BinaryOp.MAX}) {
                float[] av = operand(op, false, rnd, (int) Shape.numel(c[0])), bv = operand(op, true, rnd, (int) Shape.numel(c[1]));
                double[] expected = run(ref, op, av, c[0], bv, c[1], c[0]).toDoubleArray();
                Tensor a = Tensor.of(cpu, av, c[0]), b = Tensor.of(cpu, bv, c[1]);
                cpu.binary(op, a.storage(), c[0], b.storage(), c[1], a.storage(), c[0]);
                TestUtil.close(op + " in place " + Shape.str(c[0]), expected, a.toArray(), 1e-6, 1e-6);
            }
        }
        // the optimizer path
        float[] pv = TestUtil.values(rnd, 1009, -1, 1, 0), gv = TestUtil.values(rnd, 1009, -1, 1, 0);
        Tensor p = Tensor.of(cpu, pv, 1009);
        p.addInPlace(Tensor.of(cpu, gv, 1009), -0.5f);
        float[] r = p.toArray();
        for (int i = 0; i < r.length; i++) assertEquals(pv[i] + (-0.5f * gv[i]), r[i], 1e-6f);
    }
}
