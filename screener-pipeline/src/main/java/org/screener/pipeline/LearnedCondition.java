package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.unet.UNet3d;

import java.io.IOException;
import java.nio.file.Files;

/**
 * The masking-invariant condition (method reference §3): the frozen condition UNet of the model dir, run on
 * the unmasked crop with an all-ones mask channel ({@link ConditionModel#embed(UNet3d, Tensor)}).
 */
public final class LearnedCondition implements ConditionSource {
    private final UNet3d unet;

    public LearnedCondition(UNet3d unet) {
        this.unet = unet;
        unet.eval();
    }

    /** Loads condition.safetensors; says which stage to train when it is missing. */
    public static LearnedCondition load(ModelDir dir, Backend be) throws IOException {
        if (!Files.isRegularFile(dir.condition()))
            throw new IllegalStateException(dir.root + " has no trained condition model (" + ModelDir.CONDITION
                    + "); train --stage condition first, or use --condition none|sincos");
        UNet3d net = Checkpoint.loadUNet(dir.condition());
        net.to(be);
        return new LearnedCondition(net);
    }

    @Override public int channels() { return unet.config.outChannels; }

    @Override public Tensor condition(Tensor crops, int[][] offsets, int[][] scanDims) {
        try (Autograd.Scope s = Autograd.noGrad()) {
            return ConditionModel.embed(unet, crops);
        }
    }

    @Override public String name() { return DensityConfig.LEARNED; }
}
