package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Losses;
import org.screener.core.ops.Reductions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LossesTest {
    @Test
    void crossEntropyByHand() {
        float[] logits = {1, 2, 3, 1, 0, -1};
        int[] target = {2, 1};
        double l0 = -(3 - Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)));
        double l1 = -(0 - Math.log(Math.exp(1) + Math.exp(0) + Math.exp(-1)));
        double expected = (l0 + l1) / 2;
        for (Backend be : new Backend[]{TestUtil.cpu(), TestUtil.ref()}) {
            Tensor x = Tensor.of(be, logits, 2, 3).requiresGrad(true);
            Tensor loss = Losses.crossEntropy(x, target);
            assertEquals(0, loss.rank());
            assertEquals(expected, loss.itemDouble(), 1e-6, be.name());
            loss.backward();
            // d/dlogits = (softmax - onehot) / N
            double z0 = Math.exp(1) + Math.exp(2) + Math.exp(3), z1 = Math.exp(1) + 1 + Math.exp(-1);
            double[] g = {Math.exp(1) / z0 / 2, Math.exp(2) / z0 / 2, (Math.exp(3) / z0 - 1) / 2,
                    Math.exp(1) / z1 / 2, (1 / z1 - 1) / 2, Math.exp(-1) / z1 / 2};
            assertArrayEquals(g, x.grad().toDoubleArray(), 1e-6, be.name());
        }
    }

    @Test
    void crossEntropyGradcheck() {
        Random rnd = new Random(30);
        Tensor x2 = GradCheck.input(rnd, -3, 3, 4, 5);
        GradCheck.check("crossEntropy (N,C)", t -> Losses.crossEntropy(t[0], new int[]{0, 4, 2, 2}), x2);
        Tensor x5 = GradCheck.input(rnd, -3, 3, 2, 3, 2, 1, 3);
        int[] tg = new int[2 * 2 * 1 * 3];
        for (int i = 0; i < tg.length; i++) tg[i] = rnd.nextInt(3);
        GradCheck.check("crossEntropy (N,C,D,H,W)", t -> Losses.crossEntropy(t[0], tg), x5);
    }

    @Test
    void crossEntropyVolumeMatchesPerVoxelRows() {
        // (N,C,S) logits against the same items laid out as (N*S, C)
        Random rnd = new Random(31);
        int n = 2, c = 4, s = 5;
        float[] v = TestUtil.values(rnd, n * c * s, -4, 4, 0);
        int[] tg = new int[n * s];
        for (int i = 0; i < tg.length; i++) tg[i] = rnd.nextInt(c);
        float[] rows = new float[n * s * c];
        for (int a = 0; a < n; a++) for (int k = 0; k < c; k++) for (int p = 0; p < s; p++)
            rows[(a * s + p) * c + k] = v[(a * c + k) * s + p];
        float vol = Losses.crossEntropy(Tensor.of(TestUtil.cpu(), v, n, c, 1, 1, s), tg).item();
        float flat = Losses.crossEntropy(Tensor.of(TestUtil.cpu(), rows, n * s, c), tg).item();
        assertEquals(flat, vol, 1e-5f);
    }

    @Test
    void crossEntropyRejectsBadTargets() {
        Tensor x = Tensor.zeros(TestUtil.cpu(), 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(x, new int[]{0, 3}));
        assertTrue(e.getMessage().contains("target[1] = 3") && e.getMessage().contains("[2, 3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(x, new int[]{0, -1}));
        assertTrue(e.getMessage().contains("target[1] = -1"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(x, new int[]{0}));
        assertTrue(e.getMessage().contains("1 targets"), e.getMessage());
    }

    /** crossEntropy as it was before the one-hot moved to the backend (host mask), kept to pin the bits. */
    private static Tensor oldCrossEntropy(Tensor logits, int[] target) {
        int[] ls = logits.shape();
        int n = ls[0], c = ls[1];
        long s = logits.numel() / Math.max(1, (long) n * c);
        long items = (long) n * s;
        float[] onehot = new float[Math.toIntExact(logits.numel())];
        for (int i = 0; i < target.length; i++) {
            long item = i / s, sp = i - item * s;
            onehot[(int) ((item * c + target[i]) * s + sp)] = 1f;
        }
        Tensor mask = Tensor.of(logits.backend(), onehot, ls);
        Tensor picked = Reductions.sum(Elementwise.mul(Reductions.logSoftmax(logits, 1), mask));
        return Elementwise.mulScalar(picked, (float) (-1.0 / items));
    }

    @Test
    void crossEntropyIsBitwiseTheOldHostMaskVersion() {
        Random rnd = new Random(33);
        int[][] shapes = {{7, 5}, {3, 4, 2, 3, 5}, {1, 9, 17}, {13, 2, 1, 1, 1}, {2, 3, 4, 5, 6}};
        for (Backend be : new Backend[]{TestUtil.cpu(), TestUtil.ref()})
            for (int[] sh : shapes) {
                long numel = Shape.numel(sh);
                int c = sh[1], items = (int) (numel / c);
                float[] v = TestUtil.values(rnd, (int) numel, -5, 5, 0);
                int[] tg = new int[items];
                for (int i = 0; i < items; i++) tg[i] = rnd.nextInt(c);
                Tensor a = Tensor.of(be, v, sh).requiresGrad(true), b = Tensor.of(be, v, sh).requiresGrad(true),
                        d = Tensor.of(be, v, sh).requiresGrad(true);
                Tensor la = oldCrossEntropy(a, tg), lb = Losses.crossEntropy(b, tg),
                        ld = Losses.crossEntropy(d, IndexTensor.of(be, tg));
                String w = be.name() + " " + Shape.str(sh);
                assertEquals(la.itemDouble(), lb.itemDouble(), 0.0, w);
                assertEquals(la.itemDouble(), ld.itemDouble(), 0.0, w + " IndexTensor");
                la.backward();
                lb.backward();
                ld.backward();
                assertArrayEquals(a.grad().toDoubleArray(), b.grad().toDoubleArray(), 0.0, w + " gradient");
                assertArrayEquals(a.grad().toDoubleArray(), d.grad().toDoubleArray(), 0.0, w + " gradient IndexTensor");
            }
    }

    @Test
    void crossEntropyIndexTensorChecksWithoutReading() {
        Backend be = TestUtil.cpu();
        Tensor x = Tensor.zeros(be, 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.crossEntropy(x, IndexTensor.of(be, new int[]{0, 3})));
        assertTrue(e.getMessage().contains("bounded by 4") && e.getMessage().contains("3 classes"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(x, IndexTensor.of(be, new int[]{0, 1, 2})));
        assertTrue(e.getMessage().contains("3 targets"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(x, IndexTensor.of(TestUtil.ref(), new int[]{0, 1})));
        assertTrue(e.getMessage().contains("backend ref"), e.getMessage());
        // a wrapped IndexTensor that lies about its bound is still caught by the CPU kernel
        Storage bad = be.allocateInt(2);
        be.writeInt(bad, 0, new int[]{0, 7}, 0, 2);
        e = assertThrows(IllegalArgumentException.class, () -> Losses.crossEntropy(x, IndexTensor.wrap(bad, 2, 3)));
        assertTrue(e.getMessage().contains("index[1] = 7"), e.getMessage());
    }

    @Test
    void mseByHandAndGradcheck() {
        Tensor a = Tensor.of(TestUtil.cpu(), new float[]{1, 2, 3}, 3), b = Tensor.of(TestUtil.cpu(), new float[]{0, 4, 3}, 3);
        assertEquals(5f / 3, Losses.mse(a, b).item(), 1e-6f);
        Random rnd = new Random(32);
        GradCheck.check("mse", t -> Losses.mse(t[0], t[1]), GradCheck.input(rnd, -1, 1, 2, 3, 4), GradCheck.input(rnd, -1, 1, 2, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> Losses.mse(a, Tensor.zeros(TestUtil.cpu(), 4)));
    }
}
