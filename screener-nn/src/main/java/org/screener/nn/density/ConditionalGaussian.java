package org.screener.nn.density;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.ops.Shapes;
import org.screener.nn.Init;
import org.screener.nn.layers.Activation;
import org.screener.nn.layers.Conv3d;
import org.screener.nn.layers.Sequential;

import java.util.Random;

/**
 * Diagonal Gaussian whose mean and log-variance are predicted from the condition by a small conv net with 3×3×3
 * kernels (method reference §4.2): c → conv(dc→hidden) → SiLU → conv(hidden→2d) split into μ(c) and log σ²(c).
 * The last conv's weights start at zero and its bias at the first batch's per-channel mean and log-variance
 * (data-dependent, like Glow's act-norm; the "initialized" buffer travels with checkpoints), so training
 * starts from the marginal fit and learns how the condition moves it.
 */
public final class ConditionalGaussian extends DensityModel {
    public static final int KERNEL = 3;
    private final Sequential net;
    private boolean initialized;   // = buffer "initialized" != 0
    private final Conv3d last;

    public ConditionalGaussian(Backend backend, int channels, int conditionChannels, int hidden, Random rnd) {
        super(channels, conditionChannels);
        if (conditionChannels < 1 || hidden < 1)
            throw new IllegalArgumentException("ConditionalGaussian: needs dc >= 1 and hidden >= 1, got dc=" + conditionChannels + ", hidden=" + hidden);
        int[] k = {KERNEL, KERNEL, KERNEL}, one = {1, 1, 1}, pad = {KERNEL / 2, KERNEL / 2, KERNEL / 2};
        Conv3d last = new Conv3d(backend, hidden, 2 * channels, k, one, pad, one, 1, true, rnd);
        Init.zeros(last);
        net = registerModule("net", new Sequential(
                new Conv3d(backend, conditionChannels, hidden, k, one, pad, one, 1, true, rnd), Activation.silu(), last));
        this.last = last;
        registerBuffer("initialized", Tensor.zeros(backend, 1));
    }

    /** A Java-side mirror of the "initialized" buffer: nll reads nothing from the backend to ask. */
    public boolean isInitialized() { return initialized; }

    /** A checkpoint may carry either value of the flag, into a fresh or an already initialised model. */
    @Override protected void onStateLoaded() { initialized = buffer("initialized").item() != 0; }

    /** Marks the model initialised without touching its parameters (e.g. parameters set by hand). */
    public ConditionalGaussian markInitialized() {
        buffer("initialized").assign(Tensor.full(last.weight.tensor().backend(), 1f, 1));
        initialized = true;
        return this;
    }

    /** μ(c) and log σ²(c), each (N, d, D, H, W). */
    public Tensor[] meanAndLogVar(Tensor c) {
        Tensor out = net.forward(c);
        return new Tensor[]{Shapes.slice(out, 1, 0, channels), Shapes.slice(out, 1, channels, 2 * channels)};
    }

    @Override public Tensor nll(Tensor y, Tensor c) {
        checkInputs(y, c);
        if (!isInitialized()) {
            double[][] ml = meanAndLogVariance(y);
            double[] b = new double[2 * channels];
            System.arraycopy(ml[0], 0, b, 0, channels);
            System.arraycopy(ml[1], 0, b, channels, channels);
            last.bias.tensor().assign(Tensor.ofDouble(y.backend(), b, 2 * channels));
            markInitialized();
        }
        Tensor[] ml = meanAndLogVar(c);
        return MarginalGaussian.gaussianNll(y, ml[0], ml[1], true);
    }
}
