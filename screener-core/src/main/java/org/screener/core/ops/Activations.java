package org.screener.core.ops;

import org.screener.core.Tensor;
import org.screener.core.UnaryOp;

/** Activation functions: thin wrappers over {@link Elementwise#unary}, so each backend's kernel does the work. */
public final class Activations {
    private Activations() {}

    public static Tensor relu(Tensor x) { return Elementwise.unary(UnaryOp.RELU, x, 0, 0); }

    /** x for x > 0, slope * x otherwise. */
    public static Tensor leakyRelu(Tensor x, float slope) { return Elementwise.unary(UnaryOp.LEAKY_RELU, x, slope, 0); }

    /** x * sigmoid(x) (swish). */
    public static Tensor silu(Tensor x) { return Elementwise.unary(UnaryOp.SILU, x, 0, 0); }

    /** Exact GELU, 0.5 x (1 + erf(x / sqrt 2)) (not the tanh approximation). */
    public static Tensor gelu(Tensor x) { return Elementwise.unary(UnaryOp.GELU, x, 0, 0); }

    public static Tensor sigmoid(Tensor x) { return Elementwise.unary(UnaryOp.SIGMOID, x, 0, 0); }

    /** log(sigmoid(x)) = -softplus(-x), stable for large |x|. */
    public static Tensor logSigmoid(Tensor x) { return Elementwise.unary(UnaryOp.LOG_SIGMOID, x, 0, 0); }

    /** log(1 + exp(x)), stable for large |x|. */
    public static Tensor softplus(Tensor x) { return Elementwise.unary(UnaryOp.SOFTPLUS, x, 0, 0); }

    public static Tensor tanh(Tensor x) { return Elementwise.unary(UnaryOp.TANH, x, 0, 0); }
}
