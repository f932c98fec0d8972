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
    /** The VICReg expander or the InfoNCE projector ({@link DescriptorConfig#objective}); only the loss uses it. */
    public final Sequential head;

    /** UNet first, then the expander, both initialised from {@code rnd}. */
    public DescriptorModel(Backend be, DescriptorConfig cfg, Random rnd) {
        cfg.validate();
        unet = registerModule("unet", new UNet3d(be, cfg.unet, rnd));
        head = registerModule(headName(cfg.objective()), newHead(be, cfg.objective(), cfg.unet.outChannels, cfg.expanderWidth, rnd));
    }

    @Override public Tensor forward(Tensor x) { return unet.forward(x); }

    /** The head's name in checkpoints: "expander" for VICReg (as before the option), "projector" for InfoNCE. */
    static String headName(String objective) {
        return DescriptorConfig.INFONCE.equals(objective) ? "projector" : "expander";
    }

    static Sequential newHead(Backend be, String objective, int in, int width, Random rnd) {
        return DescriptorConfig.INFONCE.equals(objective)
                ? Heads.infoNceProjector(be, in, width, Heads.INFONCE_OUT, rnd)
                : Heads.vicregExpander(be, in, width, rnd);
    }
}
