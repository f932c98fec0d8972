package org.screener.nn.ssl;

import org.screener.core.Backend;
import org.screener.nn.layers.Activation;
import org.screener.nn.layers.GroupNorm;
import org.screener.nn.layers.LayerNorm;
import org.screener.nn.layers.Linear;
import org.screener.nn.layers.Sequential;

import java.util.Random;

/** The MLP heads that map descriptor vectors (M, 32) to the embeddings the dense SSL losses compare. */
public final class Heads {
    /** Width of the released VICReg expander and GroupNorm group count (method reference §2.3). */
    public static final int VICREG_WIDTH = 8192, VICREG_GROUPS = 32;
    /** Released InfoNCE projector sizes (§2.4). */
    public static final int INFONCE_HIDDEN = 2048, INFONCE_OUT = 128;

    private Heads() {}

    /**
     * DenseVICReg expander: Linear in→W, GroupNorm(32), SiLU, Linear W→W, GroupNorm(32), SiLU, Linear W→W
     * without bias. W must be a multiple of 32.
     */
    public static Sequential vicregExpander(Backend be, int in, int width, Random rnd) {
        if (in < 1 || width < VICREG_GROUPS || width % VICREG_GROUPS != 0)
            throw new IllegalArgumentException("vicregExpander: needs in >= 1 and a width that is a positive multiple of "
                    + VICREG_GROUPS + ", got in=" + in + ", width=" + width);
        return new Sequential(
                new Linear(be, in, width, true, rnd), new GroupNorm(be, VICREG_GROUPS, width, 1e-5f, true), Activation.silu(),
                new Linear(be, width, width, true, rnd), new GroupNorm(be, VICREG_GROUPS, width, 1e-5f, true), Activation.silu(),
                new Linear(be, width, width, false, rnd));
    }

    /** DenseInfoNCE projector: Linear in→hidden, LayerNorm, GELU, Linear hidden→hidden, LayerNorm, GELU, Linear hidden→out without bias. */
    public static Sequential infoNceProjector(Backend be, int in, int hidden, int out, Random rnd) {
        if (in < 1 || hidden < 1 || out < 1)
            throw new IllegalArgumentException("infoNceProjector: sizes in=" + in + ", hidden=" + hidden + ", out=" + out);
        return new Sequential(
                new Linear(be, in, hidden, true, rnd), new LayerNorm(be, hidden, 1e-5f), Activation.gelu(),
                new Linear(be, hidden, hidden, true, rnd), new LayerNorm(be, hidden, 1e-5f), Activation.gelu(),
                new Linear(be, hidden, out, false, rnd));
    }
}
