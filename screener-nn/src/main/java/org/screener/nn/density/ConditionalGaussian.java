package org.screener.nn.density;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.ops.Activations;
import org.screener.core.ops.Conv;
import org.screener.core.ops.Shapes;

import java.util.Random;

/**
 * Diagonal Gaussian whose mean and log-variance are predicted from the condition by a small conv net with 3×3×3
 * kernels (method reference §4.2): c → conv(dc→hidden) → SiLU → conv(hidden→2d) split into μ(c) and log σ²(c).
 * The last conv starts at zero, so the model starts at the standard normal.
 */
public final class ConditionalGaussian extends DensityModel {
    public static final int KERNEL = 3;
    private final Tensor w1, b1, w2, b2;

    public ConditionalGaussian(Backend backend, int channels, int conditionChannels, int hidden, Random rnd) {
        super(channels, conditionChannels);
        if (conditionChannels < 1 || hidden < 1)
            throw new IllegalArgumentException("ConditionalGaussian: needs dc >= 1 and hidden >= 1, got dc=" + conditionChannels + ", hidden=" + hidden);
        int k3 = KERNEL * KERNEL * KERNEL;
        w1 = param("net.0.weight", uniformInit(backend, rnd, conditionChannels * k3, hidden, conditionChannels, KERNEL, KERNEL, KERNEL));
        b1 = param("net.0.bias", uniformInit(backend, rnd, conditionChannels * k3, hidden));
        w2 = param("net.2.weight", Tensor.zeros(backend, 2 * channels, hidden, KERNEL, KERNEL, KERNEL));
        b2 = param("net.2.bias", Tensor.zeros(backend, 2 * channels));
    }

    /** μ(c) and log σ²(c), each (N, d, D, H, W). */
    public Tensor[] meanAndLogVar(Tensor c) {
        Tensor h = Activations.silu(Conv.conv3d(c, w1, b1, 1, KERNEL / 2));
        Tensor out = Conv.conv3d(h, w2, b2, 1, KERNEL / 2);
        return new Tensor[]{Shapes.slice(out, 1, 0, channels), Shapes.slice(out, 1, channels, 2 * channels)};
    }

    @Override public Tensor nll(Tensor y, Tensor c) {
        checkInputs(y, c);
        Tensor[] ml = meanAndLogVar(c);
        return MarginalGaussian.gaussianNll(y, ml[0], ml[1]);
    }
}
