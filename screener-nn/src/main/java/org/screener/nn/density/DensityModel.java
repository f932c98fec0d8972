package org.screener.nn.density;

import org.screener.core.Backend;
import org.screener.core.Shape;
import org.screener.core.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A density of a per-voxel descriptor y (N, d, D, H, W) given a condition c (N, dc, D, H, W). {@link #nll}
 * returns −log q(y[n,:,v] | c[n,:,v]) in nats per voxel, (N, D, H, W): the anomaly score.
 * Parameters are plain tensors requiring grad, named in registration order.
 */
public abstract class DensityModel {
    private final Map<String, Tensor> params = new LinkedHashMap<>();
    protected final int channels, conditionChannels;

    protected DensityModel(int channels, int conditionChannels) {
        if (channels < 1 || conditionChannels < 0)
            throw new IllegalArgumentException(getClass().getSimpleName() + ": bad channel counts d=" + channels + ", dc=" + conditionChannels);
        this.channels = channels;
        this.conditionChannels = conditionChannels;
    }

    /** Per-voxel negative log-likelihood in nats; c may be null for models without a condition. */
    public abstract Tensor nll(Tensor y, Tensor c);

    /** Mean NLL over all voxels: the training loss. */
    public Tensor loss(Tensor y, Tensor c) { return nll(y, c).mean(); }

    public int channels() { return channels; }
    public int conditionChannels() { return conditionChannels; }

    public Map<String, Tensor> namedParameters() { return Collections.unmodifiableMap(params); }
    public List<Tensor> parameters() { return new ArrayList<>(params.values()); }

    public void zeroGrad() { for (Tensor p : params.values()) p.zeroGrad(); }

    protected Tensor param(String name, Tensor value) {
        if (params.containsKey(name)) throw new IllegalArgumentException(getClass().getSimpleName() + ": duplicate parameter " + name);
        value.requiresGrad(true);
        params.put(name, value);
        return value;
    }

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

    /** PyTorch's default conv/linear init: weight and bias uniform in ±1/sqrt(fan-in). */
    protected static Tensor uniformInit(Backend b, Random rnd, int fanIn, int... shape) {
        float bound = (float) (1 / Math.sqrt(fanIn));
        return Tensor.rand(b, rnd, -bound, bound, shape);
    }

    static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
}
