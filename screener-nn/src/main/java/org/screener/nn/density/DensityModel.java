package org.screener.nn.density;

import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.nn.Module;

/**
 * A density of a per-voxel descriptor y (N, d, D, H, W) given a condition c (N, dc, D, H, W). {@link #nll}
 * returns −log q(y[n,:,v] | c[n,:,v]) in nats per voxel, (N, D, H, W): the anomaly score.
 * {@link #forward} is the NLL of an unconditional model.
 */
public abstract class DensityModel extends Module {
    protected final int channels, conditionChannels;

    protected DensityModel(int channels, int conditionChannels) {
        if (channels < 1 || conditionChannels < 0)
            throw new IllegalArgumentException(getClass().getSimpleName() + ": bad channel counts d=" + channels + ", dc=" + conditionChannels);
        this.channels = channels;
        this.conditionChannels = conditionChannels;
    }

    /** Per-voxel negative log-likelihood in nats; c may be null for models without a condition. */
    public abstract Tensor nll(Tensor y, Tensor c);

    /** The NLL map of an unconditional model; conditional models need {@link #nll(Tensor, Tensor)}. */
    @Override public Tensor forward(Tensor y) {
        if (conditionChannels > 0)
            throw new IllegalStateException(getClass().getSimpleName() + ": conditional model (dc=" + conditionChannels + "); call nll(y, c)");
        return nll(y, null);
    }

    /** Mean NLL over all voxels: the training loss. */
    public Tensor loss(Tensor y, Tensor c) { return nll(y, c).mean(); }

    /**
     * Per-channel mean and unbiased variance of x (N, d, D, H, W) over all voxels of the batch, in double: the
     * data-dependent initialisation of act-norm and of the Gaussians' first batch.
     */
    protected static double[][] channelMoments(Tensor x) {
        int n = x.dim(0), d = x.dim(1), v = x.dim(2) * x.dim(3) * x.dim(4);
        double[] a = x.toDoubleArray();
        double[] mean = new double[d], var = new double[d];
        long count = (long) n * v;
        for (int j = 0; j < d; j++) {
            double s = 0, s2 = 0;
            for (int i = 0; i < n; i++) for (int p = 0; p < v; p++) s += a[(i * d + j) * v + p];
            double m = s / count;
            for (int i = 0; i < n; i++) for (int p = 0; p < v; p++) { double t = a[(i * d + j) * v + p] - m; s2 += t * t; }
            mean[j] = m;
            var[j] = count > 1 ? s2 / (count - 1) : 0;   // torch.var's unbiased default
        }
        return new double[][]{mean, var};
    }

    /** Per-channel mean and log of the unbiased variance of x: where the Gaussians start (first batch). */
    protected static double[][] meanAndLogVariance(Tensor x) {
        double[][] mv = channelMoments(x);
        double[] lv = new double[mv[1].length];
        for (int j = 0; j < lv.length; j++) lv[j] = Math.log(mv[1][j] + 1e-12);
        return new double[][]{mv[0], lv};
    }

    /**
     * A trained model's state as saved, with every "initialized" buffer the file lacks set to 1: Gaussian
     * densities saved before they had a data-dependent initialisation carry trained parameters but no flag.
     */
    public java.util.Map<String, Tensor> withInitializedFlags(java.util.Map<String, Tensor> saved) {
        java.util.Map<String, Tensor> out = new java.util.LinkedHashMap<>(saved);
        for (java.util.Map.Entry<String, Tensor> e : stateDict().entrySet())
            if ((e.getKey().equals("initialized") || e.getKey().endsWith(".initialized")) && !out.containsKey(e.getKey()))
                out.put(e.getKey(), Tensor.full(e.getValue().backend(), 1f, 1));
        return out;
    }

    public int channels() { return channels; }
    public int conditionChannels() { return conditionChannels; }

    protected void checkInputs(Tensor y, Tensor c) {
        String who = getClass().getSimpleName();
        if (y.rank() != 5 || y.dim(1) != channels)
            throw new IllegalArgumentException(who + ": y must be (N, " + channels + ", D, H, W), got " + Shape.str(y.shape()));
        if (conditionChannels > 0) {
            if (c == null) throw new IllegalArgumentException(who + ": needs a condition with " + conditionChannels + " channels");
            int[] ys = y.shape(), cs = c.shape();
            if (c.rank() != 5 || cs[1] != conditionChannels || cs[0] != ys[0] || cs[2] != ys[2] || cs[3] != ys[3] || cs[4] != ys[4])
                throw new IllegalArgumentException(who + ": condition " + Shape.str(cs) + " does not match y " + Shape.str(ys)
                        + " with " + conditionChannels + " channels");
        }
    }

    static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
}
