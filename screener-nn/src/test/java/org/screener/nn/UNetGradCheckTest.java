package org.screener.nn;

import org.junit.jupiter.api.Test;
import org.screener.core.Tensor;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Losses;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Finite differences through a whole (tiny) UNet on the double-precision reference backend: the input and
 * one parameter of every kind of layer (stem, residual conv, block bias, group norm, layer scale, down conv,
 * fuse conv after concat, head projections). The odd input size exercises crop and replicate padding.
 */
class UNetGradCheckTest {
    @Test
    void gradientsOfInputAndParametersMatchFiniteDifferences() {
        UNet3d u = new UNet3d(GradCheck.ref(), new UNet3dConfig(1, new int[]{2, 4}, new int[]{1, 1}, 2), new Random(1));
        Map<String, Parameter> p = u.namedParameters();
        // a layer scale of 1e-5 would hide the residual branches from the check
        for (Map.Entry<String, Parameter> e : p.entrySet())
            if (e.getKey().endsWith("layer_scale.gamma")) Init.constant(e.getValue(), 0.7f);
        List<Tensor> in = new ArrayList<>();
        in.add(GradCheck.input(new Random(2), -1, 1, 1, 1, 3, 4, 5));
        for (String n : new String[]{"stem.weight", "enc.0.block.0.conv1.weight", "enc.0.block.0.bias", "enc.0.block.0.norm1.weight",
                "enc.0.block.0.layer_scale.gamma", "enc.1.down.weight", "enc.1.block.0.norm2.bias", "dec.0.fuse.weight",
                "dec.0.block.0.conv2.bias", "head.1.weight", "head.0.bias"})
            in.add(p.get(n).tensor());
        GradCheck.check("UNet3d", xs -> u.forward(xs[0]), in.toArray(new Tensor[0]));
    }

    @Test
    void crossEntropyThroughTheNetwork() {
        UNet3d u = new UNet3d(GradCheck.ref(), new UNet3dConfig(1, new int[]{2, 4}, new int[]{0, 1}, 3), new Random(3));
        int[] target = new int[2 * 4 * 4 * 4];
        Random r = new Random(4);
        for (int i = 0; i < target.length; i++) target[i] = r.nextInt(3);
        Tensor x = GradCheck.input(new Random(5), -1, 1, 2, 1, 4, 4, 4);
        GradCheck.check("UNet3d+crossEntropy", xs -> Losses.crossEntropy(u.forward(xs[0]), target).reshape(1),
                x, u.namedParameters().get("dec.0.fuse.weight").tensor(), u.namedParameters().get("head.0.weight").tensor());
    }
}
