package org.screener.nn.layers;

import org.screener.core.Tensor;
import org.screener.core.ops.Activations;
import org.screener.nn.Module;

/** Parameter-free activations as modules. */
public final class Activation extends Module {
    public enum Kind { RELU, SILU, GELU, LEAKY_RELU }

    public final Kind kind;
    public final float slope;

    private Activation(Kind kind, float slope) { this.kind = kind; this.slope = slope; }

    public static Activation relu() { return new Activation(Kind.RELU, 0f); }
    public static Activation silu() { return new Activation(Kind.SILU, 0f); }
    public static Activation gelu() { return new Activation(Kind.GELU, 0f); }
    public static Activation leakyRelu(float slope) { return new Activation(Kind.LEAKY_RELU, slope); }

    @Override public Tensor forward(Tensor x) {
        switch (kind) {
            case RELU: return Activations.relu(x);
            case SILU: return Activations.silu(x);
            case GELU: return Activations.gelu(x);
            default: return Activations.leakyRelu(x, slope);
        }
    }
}
