package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Losses;

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

    @Test
    void mseByHandAndGradcheck() {
        Tensor a = Tensor.of(TestUtil.cpu(), new float[]{1, 2, 3}, 3), b = Tensor.of(TestUtil.cpu(), new float[]{0, 4, 3}, 3);
        assertEquals(5f / 3, Losses.mse(a, b).item(), 1e-6f);
        Random rnd = new Random(32);
        GradCheck.check("mse", t -> Losses.mse(t[0], t[1]), GradCheck.input(rnd, -1, 1, 2, 3, 4), GradCheck.input(rnd, -1, 1, 2, 3, 4));
        assertThrows(IllegalArgumentException.class, () -> Losses.mse(a, Tensor.zeros(TestUtil.cpu(), 4)));
    }
}
