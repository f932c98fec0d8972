package org.screener.core.ops;

import org.screener.core.Tensor;
import org.screener.core.UnaryOp;

/** TEMP activations for nn development. */
public final class Activations {
    private Activations() {}
    public static Tensor relu(Tensor x) { return Elementwise.unary(UnaryOp.RELU, x, 0, 0); }
    public static Tensor leakyRelu(Tensor x, float slope) { return Elementwise.unary(UnaryOp.LEAKY_RELU, x, slope, 0); }
    public static Tensor silu(Tensor x) { return Elementwise.unary(UnaryOp.SILU, x, 0, 0); }
    public static Tensor gelu(Tensor x) { return Elementwise.unary(UnaryOp.GELU, x, 0, 0); }
    public static Tensor sigmoid(Tensor x) { return Elementwise.unary(UnaryOp.SIGMOID, x, 0, 0); }
    public static Tensor tanh(Tensor x) { return Elementwise.unary(UnaryOp.TANH, x, 0, 0); }
    public static Tensor softplus(Tensor x) { return Elementwise.unary(UnaryOp.SOFTPLUS, x, 0, 0); }
    public static Tensor logSigmoid(Tensor x) { return Elementwise.unary(UnaryOp.LOG_SIGMOID, x, 0, 0); }
}
