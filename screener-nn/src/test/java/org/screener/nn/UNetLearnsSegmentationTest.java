package org.screener.nn;

import org.junit.jupiter.api.Test;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.ops.Losses;
import org.screener.nn.optim.AdamW;
import org.screener.nn.optim.GradClip;
import org.screener.nn.optim.LrSchedule;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End to end: a small UNet learns to segment bright noisy spheres in 16³ volumes (two classes) with AdamW,
 * cross-entropy, warm-up + cosine schedule and gradient clipping. Held-out Dice must exceed 0.8.
 */
class UNetLearnsSegmentationTest {
    static final int S = 16;

    /** One volume (1, 1, S, S, S) with 1–2 spheres of radius 2.5–4.5 and intensity 1 in N(0, 0.35²) noise; labels in lab. */
    static Tensor sample(Random rnd, int[] lab, int off) {
        float[] v = new float[S * S * S];
        int k = 1 + rnd.nextInt(2);
        double[][] c = new double[k][4];
        for (double[] s : c) {
            s[3] = 2.5 + 2 * rnd.nextDouble();
            for (int a = 0; a < 3; a++) s[a] = s[3] + rnd.nextDouble() * (S - 1 - 2 * s[3]);
        }
        for (int d = 0; d < S; d++) for (int h = 0; h < S; h++) for (int w = 0; w < S; w++) {
            int i = (d * S + h) * S + w;
            boolean in = false;
            for (double[] s : c) in |= (d - s[0]) * (d - s[0]) + (h - s[1]) * (h - s[1]) + (w - s[2]) * (w - s[2]) <= s[3] * s[3];
            lab[off + i] = in ? 1 : 0;
            v[i] = (in ? 1f : 0f) + (float) (0.35 * rnd.nextGaussian());
        }
        return Tensor.of(v, 1, 1, S, S, S);
    }

    static Tensor batch(Random rnd, int n, int[] lab) {
        float[] all = new float[n * S * S * S];
        for (int b = 0; b < n; b++) System.arraycopy(sample(rnd, lab, b * S * S * S).toArray(), 0, all, b * S * S * S, S * S * S);
        return Tensor.of(all, n, 1, S, S, S);
    }

    @Test
    void smallUNetSegmentsSpheres() {
        UNet3dConfig cfg = UNet3dConfig.cpuSmall().withOutChannels(2);
        UNet3d net = new UNet3d(cfg, new Random(1));
        AdamW opt = new AdamW(net.namedParameters(), 3e-3, 0.9, 0.999, 1e-8, 1e-4);
        int steps = 60, bs = 2;
        LrSchedule sched = LrSchedule.warmupCosine(3e-3, 5, steps, 1e-4);
        Random data = new Random(42);
        double first = 0, last = 0;
        long t0 = System.nanoTime();
        for (int s = 0; s < steps; s++) {
            int[] lab = new int[bs * S * S * S];
            Tensor x = batch(data, bs, lab);
            net.zeroGrad();
            Tensor loss = Losses.crossEntropy(net.forward(x), lab);
            loss.backward();
            GradClip.clipGradNorm(net.parameters(), 1.0);
            sched.apply(opt, s);
            opt.step();
            double l = loss.item();
            if (s < 5) first += l / 5;
            if (s >= steps - 5) last += l / 5;
        }
        double secs = (System.nanoTime() - t0) / 1e9;
        net.eval();
        Random held = new Random(7);
        double dice = 0;
        int nTest = 4;
        try (Autograd.Scope ignored = Autograd.noGrad()) {
            for (int t = 0; t < nTest; t++) {
                int[] lab = new int[S * S * S];
                float[] logit = net.forward(sample(held, lab, 0)).toArray();
                int v = S * S * S, inter = 0, pred = 0, truth = 0;
                for (int i = 0; i < v; i++) {
                    boolean p = logit[v + i] > logit[i];
                    if (p) pred++;
                    if (lab[i] == 1) truth++;
                    if (p && lab[i] == 1) inter++;
                }
                dice += 2.0 * inter / (pred + truth) / nTest;
            }
        }
        System.out.printf("UNetLearnsSegmentation: loss %.4f -> %.4f, held-out Dice %.3f, %d steps in %.1f s%n", first, last, dice, steps, secs);
        assertTrue(last < 0.3 * first, "loss fell from " + first + " only to " + last);
        assertTrue(dice > 0.8, "held-out Dice " + dice + " not above 0.8");
    }
}
