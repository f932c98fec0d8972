package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.ops.Shapes;
import org.screener.nn.Module;
import org.screener.nn.layers.Sequential;
import org.screener.nn.ssl.Heads;
import org.screener.nn.unet.UNet3d;

import java.util.Arrays;
import java.util.Random;

/**
 * What the condition stage trains: a UNet with 2 input channels (image with masked voxels zeroed, binary mask)
 * and the VICReg expander (only needed for the loss). {@link #forward} takes the 2-channel input;
 * {@link #embed(Tensor)} gives the condition of an unmasked image (mask channel all ones).
 */
public final class ConditionModel extends Module {
    public final UNet3d unet;
    /** The VICReg expander or the InfoNCE projector; only the loss uses it. */
    public final Sequential head;

    /** UNet first, then the expander, both initialised from {@code rnd}. */
    public ConditionModel(Backend be, ConditionConfig cfg, Random rnd) {
        cfg.validate();
        unet = registerModule("unet", new UNet3d(be, cfg.unet, rnd));
        head = registerModule(DescriptorModel.headName(cfg.objective()),
                DescriptorModel.newHead(be, cfg.objective(), cfg.unet.outChannels, cfg.expanderWidth, rnd));
    }

    /** x: (N, 2, D, H, W) masked image and mask; returns (N, d_cond, D, H, W). */
    @Override public Tensor forward(Tensor x) { return unet.forward(x); }

    /** The condition of unmasked images (N, 1, D, H, W): (N, d_cond, D, H, W). */
    public Tensor embed(Tensor image) { return embed(unet, image); }

    /** As {@link #embed(Tensor)} for a condition UNet loaded on its own (e.g. from condition.safetensors). */
    public static Tensor embed(UNet3d net, Tensor image) {
        int[] s = image.shape();
        if (s.length != 5 || s[1] != 1)
            throw new IllegalArgumentException("ConditionModel.embed: image must be (N, 1, D, H, W), got " + Arrays.toString(s));
        if (net.config.inChannels != 2)
            throw new IllegalArgumentException("ConditionModel.embed: the UNet has " + net.config.inChannels
                    + " input channels, a condition UNet has 2");
        // image · 1 is the image bit for bit, so the input is [image; ones], built on the image's backend
        Tensor x = Shapes.concat(1, image, Tensor.full(image.backend(), 1f, s[0], 1, s[2], s[3], s[4]));
        return net.forward(x);
    }

    /**
     * The network input of n crops of vox voxels each: per crop, channel 0 is the image times the mask (masked
     * voxels zeroed) and channel 1 the mask; layout (n, 2, vox).
     */
    static float[] input(float[] image, float[] mask, int n, int vox) {
        if (image.length != (long) n * vox || mask.length != image.length)
            throw new IllegalArgumentException("ConditionModel.input: image " + image.length + " and mask " + mask.length
                    + " values for " + n + " crops of " + vox + " voxels");
        float[] x = new float[2 * n * vox];
        for (int c = 0; c < n; c++) {
            int src = c * vox, dst = 2 * c * vox;
            for (int i = 0; i < vox; i++) x[dst + i] = image[src + i] * mask[src + i];
            System.arraycopy(mask, src, x, dst + vox, vox);
        }
        return x;
    }
}
