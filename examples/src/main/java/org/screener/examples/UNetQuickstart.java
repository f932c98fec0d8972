package org.screener.examples;

import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.ops.Losses;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.optim.AdamW;
import org.screener.nn.optim.GradClip;
import org.screener.nn.optim.LrSchedule;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;

/**
 * The nn API in one page: build the cpu-small UNet, train it for a few steps to segment a bright cube in
 * noise (AdamW, warm-up + cosine, gradient clipping), save a safetensors checkpoint and load it back.
 *
 * <pre>java --add-modules jdk.incubator.vector -cp ... org.screener.examples.UNetQuickstart [out.safetensors]</pre>
 */
public final class UNetQuickstart {
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : "unet-quickstart.safetensors");
        Random rnd = new Random(0);
        UNet3dConfig cfg = new UNet3dConfig(1, new int[]{8, 16, 32}, new int[]{1, 1, 1}, 2); // 2 classes
        UNet3d net = new UNet3d(cfg, rnd);
        System.out.println("UNet with " + net.numParameters() + " parameters");

        int steps = 40, s = 16;
        AdamW opt = new AdamW(net.parameters(), 3e-3, 1e-4);
        LrSchedule sched = LrSchedule.warmupCosine(3e-3, 4, steps, 1e-5);
        for (int step = 0; step < steps; step++) {
            float[] img = new float[s * s * s];
            int[] lab = new int[s * s * s];
            int c0 = 2 + rnd.nextInt(6), c1 = 2 + rnd.nextInt(6), c2 = 2 + rnd.nextInt(6);
            for (int d = 0; d < s; d++) for (int h = 0; h < s; h++) for (int w = 0; w < s; w++) {
                int i = (d * s + h) * s + w;
                boolean in = d >= c0 && d < c0 + 7 && h >= c1 && h < c1 + 7 && w >= c2 && w < c2 + 7;
                lab[i] = in ? 1 : 0;
                img[i] = (in ? 1f : 0f) + 0.3f * (float) rnd.nextGaussian();
            }
            sched.apply(opt, step);
            opt.zeroGrad();
            Tensor loss = Losses.crossEntropy(net.forward(Tensor.of(img, 1, 1, s, s, s)), lab);
            loss.backward();
            double norm = GradClip.clipGradNorm(net.parameters(), 1.0);
            opt.step();
            if (step % 10 == 0 || step == steps - 1)
                System.out.printf("step %3d  loss %.4f  grad-norm %.3f  lr %.2e%n", step, loss.item(), norm, opt.lr());
        }
        Checkpoint.saveUNet(out, net, Map.of("example", "UNetQuickstart"));
        UNet3d back = Checkpoint.loadUNet(out);
        try (Autograd.Scope g = Autograd.noGrad()) {
            Tensor x = Tensor.randn(org.screener.core.Backends.getDefault(), new Random(1), 1f, 1, 1, s, s, s);
            float a = net.forward(x).sum().item(), b = back.forward(x).sum().item();
            System.out.println("checkpoint " + out + " reloads to the same outputs: " + (a == b));
        }
    }
}
