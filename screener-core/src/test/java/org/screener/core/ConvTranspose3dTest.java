package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Conv;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConvTranspose3dTest {
    private static int[] v(int a, int b, int c) { return new int[]{a, b, c}; }

    @Test
    void byHandStride2() {
        // 1D along W: x = [1, 2], w = [1, 10, 100] (Cin = Cout = 1), stride 2 -> out size (2-1)*2 + 3 = 5
        // x0 spreads to 0..2, x1 to 2..4: [1, 10, 100+2, 20, 200]
        Backend be = Backends.get("cpu");
        Tensor x = Tensor.of(be, new float[]{1, 2}, 1, 1, 1, 1, 2);
        Tensor w = Tensor.of(be, new float[]{1, 10, 100}, 1, 1, 1, 1, 3);
        Tensor y = Conv.convTranspose3d(x, w, null, v(1, 1, 2), v(0, 0, 0), v(0, 0, 0), v(1, 1, 1));
        assertArrayEquals(new int[]{1, 1, 1, 1, 5}, y.shape());
        assertArrayEquals(new float[]{1, 10, 102, 20, 200}, y.toArray(), 1e-5f);
        // output padding adds a zero column at the high end; padding 1 crops one on each side
        Tensor y2 = Conv.convTranspose3d(x, w, null, v(1, 1, 2), v(0, 0, 1), v(0, 0, 1), v(1, 1, 1));
        assertArrayEquals(new float[]{10, 102, 20, 200}, y2.toArray(), 1e-5f);
    }

    @Test
    void gradcheckWithOutputPaddingDilationBias() {
        Random rnd = new Random(3);
        Tensor x = GradCheck.input(rnd, -1, 1, 2, 3, 3, 2, 3);
        Tensor w = GradCheck.input(rnd, -1, 1, 3, 2, 3, 2, 3);
        Tensor b = GradCheck.input(rnd, -1, 1, 2);
        GradCheck.check("convTranspose3d", t -> Conv.convTranspose3d(t[0], t[1], t[2], v(2, 1, 2), v(1, 0, 1),
                v(1, 0, 0), v(1, 2, 1)), x, w, b);
    }

    @Test
    void cpuMatchesRef() {
        Random rnd = new Random(4);
        Backend ref = Backends.get("ref"), cpu = Backends.get("cpu");
        Tensor xr = Tensor.randn(ref, rnd, 1f, 2, 3, 5, 4, 3).requiresGrad(true);
        Tensor wr = Tensor.randn(ref, rnd, 1f, 3, 5, 3, 3, 3).requiresGrad(true);
        Tensor br = Tensor.randn(ref, rnd, 1f, 5).requiresGrad(true);
        Tensor xc = xr.to(cpu).requiresGrad(true), wc = wr.to(cpu).requiresGrad(true), bc = br.to(cpu).requiresGrad(true);
        Tensor yr = Conv.convTranspose3d(xr, wr, br, v(2, 2, 2), v(1, 1, 1), v(1, 0, 1), v(1, 1, 1));
        Tensor yc = Conv.convTranspose3d(xc, wc, bc, v(2, 2, 2), v(1, 1, 1), v(1, 0, 1), v(1, 1, 1));
        assertArrayEquals(new int[]{2, 5, 10, 7, 6}, yc.shape());
        assertArrayEquals(yr.toArray(), yc.toArray(), 1e-4f);
        Tensor g = Tensor.randn(ref, rnd, 1f, yr.shape());
        yr.backward(g);
        yc.backward(g.to(cpu));
        assertArrayEquals(xr.grad().toArray(), xc.grad().toArray(), 1e-3f);
        assertArrayEquals(wr.grad().toArray(), wc.grad().toArray(), 2e-3f);
        assertArrayEquals(br.grad().toArray(), bc.grad().toArray(), 1e-3f);
    }

    @Test
    void undoesConvShape() {
        Backend be = Backends.get("cpu");
        Tensor x = Tensor.zeros(be, 1, 4, 7, 6, 5);
        Tensor w = Tensor.zeros(be, 8, 4, 3, 3, 3);
        Tensor y = Conv.conv3d(x, w, null, 2, 1);
        Tensor wt = Tensor.zeros(be, 8, 4, 3, 3, 3);
        Tensor back = Conv.convTranspose3d(y, wt, null, v(2, 2, 2), v(1, 1, 1), v(0, 1, 0), v(1, 1, 1));
        assertArrayEquals(new int[]{1, 4, 7, 6, 5}, back.shape());
    }

    @Test
    void badOutputPaddingIsNamed() {
        Backend be = Backends.get("cpu");
        Tensor x = Tensor.zeros(be, 1, 2, 3, 3, 3), w = Tensor.zeros(be, 2, 2, 3, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv.convTranspose3d(x, w, null, v(1, 1, 1), v(0, 0, 0), v(1, 0, 0), v(1, 1, 1)));
        assertTrue(e.getMessage().contains("convTranspose3d") && e.getMessage().contains("[1, 2, 3, 3, 3]"), e.getMessage());
        Tensor wBad = Tensor.zeros(be, 3, 2, 3, 3, 3);
        e = assertThrows(IllegalArgumentException.class,
                () -> Conv.convTranspose3d(x, wBad, null, v(1, 1, 1), v(0, 0, 0), v(0, 0, 0), v(1, 1, 1)));
        assertEquals(true, e.getMessage().contains("[3, 2, 3, 3, 3]"), e.getMessage());
    }
}
