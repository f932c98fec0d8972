package org.screener.nn;

import org.screener.core.Shape;
import org.screener.core.Tensor;

import java.util.Arrays;

/**
 * A trainable leaf tensor. The wrapper stays fixed (optimizers key their state on it) while the tensor it
 * holds may be replaced, e.g. when a module moves to another backend or a checkpoint is loaded.
 */
public final class Parameter {
    private Tensor data;

    public Parameter(Tensor data) { set(data); }

    public Tensor tensor() { return data; }

    public Tensor grad() { return data.grad(); }

    public int[] shape() { return data.shape(); }

    public long numel() { return data.numel(); }

    public void zeroGrad() { data.zeroGrad(); }

    /** Replaces the value (same shape); the new tensor becomes a detached leaf that requires grad. */
    public void set(Tensor value) {
        if (data != null && !Arrays.equals(data.shape(), value.shape()))
            throw new IllegalArgumentException("Parameter.set: shape " + Shape.str(value.shape()) + " for a parameter of shape "
                    + Shape.str(data.shape()));
        Tensor leaf = value.isLeaf() && !value.requiresGrad() ? value : value.detach();
        this.data = leaf.requiresGrad(true);
    }

    @Override public String toString() { return "Parameter" + Shape.str(data.shape()); }
}
