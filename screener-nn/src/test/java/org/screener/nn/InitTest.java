package org.screener.nn;

import org.junit.jupiter.api.Test;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.nn.layers.Conv3d;
import org.screener.nn.layers.Linear;
import org.screener.nn.layers.Sequential;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InitTest {
    static double[] meanStd(float[] a) {
        double m = 0, v = 0;
        for (float x : a) m += x;
        m /= a.length;
        for (float x : a) v += (x - m) * (x - m);
        return new double[]{m, Math.sqrt(v / a.length)};
    }

    @Test
    void fansFollowPyTorch() {
        assertEquals(16 * 27, Init.fanIn(new int[]{32, 16, 3, 3, 3}));
        assertEquals(32 * 27, Init.fanOut(new int[]{32, 16, 3, 3, 3}));
        assertEquals(7, Init.fanIn(new int[]{5, 7}));
        assertEquals(Math.sqrt(2), Init.leakyReluGain(0), 1e-12);
    }

    @Test
    void kaimingNormalHasTheRequestedStd() {
        Parameter p = new Parameter(Tensor.zeros(64, 32, 3, 3, 3));            // fan in 864, 55k samples
        Init.kaimingNormal(p, Math.sqrt(2), false, new Random(1));
        double[] ms = meanStd(p.tensor().toArray());
        double std = Math.sqrt(2.0 / 864);
        assertEquals(0, ms[0], 0.02 * std);
        assertEquals(std, ms[1], 0.02 * std);
        Init.kaimingNormal(p, 1, true, new Random(1));                          // fan out 1728
        assertEquals(1 / Math.sqrt(1728), meanStd(p.tensor().toArray())[1], 0.02 / Math.sqrt(1728));
    }

    @Test
    void kaimingUniformBoundAndSpread() {
        Parameter p = new Parameter(Tensor.zeros(100, 300));
        Init.kaimingUniform(p, 1, false, new Random(2));
        double b = Math.sqrt(3.0 / 300);
        float max = 0;
        for (float v : p.tensor().toArray()) max = Math.max(max, Math.abs(v));
        assertTrue(max <= b && max > 0.99 * b, "max " + max + " bound " + b);
        assertEquals(b / Math.sqrt(3), meanStd(p.tensor().toArray())[1], 0.02 * b);  // U(-b,b) has std b/sqrt 3
    }

    @Test
    void seedsReproduceAndZeroInitClearsALayer() {
        Parameter a = new Parameter(Tensor.zeros(3, 4)), b = new Parameter(Tensor.zeros(3, 4));
        Init.kaimingNormal(a, 1, false, new Random(5));
        Init.kaimingNormal(b, 1, false, new Random(5));
        assertArrayEquals(a.tensor().toArray(), b.tensor().toArray());
        Random r = new Random(3);
        Sequential s = new Sequential(new Conv3d(2, 3, 3, 1, 1, true, r), new Conv3d(3, 2, 1, 1, 0, true, r));
        Init.zeros(s.get(1));
        for (Parameter p : s.get(1).parameters()) for (float v : p.tensor().toArray()) assertEquals(0f, v);
        assertTrue(meanStd(((Conv3d) s.get(0)).weight.tensor().toArray())[1] > 0);
    }

    @Test
    void moduleMovesToAnotherBackendKeepingValues() {
        Linear l = new Linear(3, 2, true, new Random(4));
        Parameter w = l.weight;
        float[] before = w.tensor().toArray();
        Tensor x = Tensor.of(new float[]{1, 2, 3, -1, 0, 0.5f}, 2, 3);
        float[] y = l.forward(x).toArray();
        l.to(Backends.get("ref"));
        assertEquals("ref", l.weight.tensor().backend().name());
        assertTrue(w == l.weight && w.tensor().requiresGrad());
        assertArrayEquals(before, w.tensor().toArray());
        assertArrayEquals(y, l.forward(x.to(Backends.get("ref"))).toArray(), 1e-5f);
    }
}
