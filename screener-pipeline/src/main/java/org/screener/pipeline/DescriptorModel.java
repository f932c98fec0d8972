package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.nn.Module;
import org.screener.nn.layers.Sequential;
import org.screener.nn.ssl.Heads;
import org.screener.nn.unet.UNet3d;

import java.util.Random;

/**
 * What the descriptor stage trains: the UNet (kept afterwards as the descriptor network) and the VICReg
 * expander (only needed for the loss). One Module so both live in the same checkpoints and optimizer.
 * {@link #forward} gives the dense descriptors (N, d, D, H, W).
 */
public final class DescriptorModel extends Module {
    public final UNet3d unet;
    public final Sequential expander;

    /** UNet first, then the expander, both initialised from {@code rnd}. */
    public DescriptorModel(Backend be, DescriptorConfig cfg, Random rnd) {
        cfg.validate();
        unet = registerModule("unet", new UNet3d(be, cfg.unet, rnd));
        expander = registerModule("expander", Heads.vicregExpander(be, cfg.unet.outChannels, cfg.expanderWidth, rnd));
    }

    @Override public Tensor forward(Tensor x) { return unet.forward(x); }
}
