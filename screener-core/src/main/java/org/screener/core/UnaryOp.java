package org.screener.core;

/**
 * The closed list of elementwise unary ops. {@code p0}/{@code p1} are the op's scalar parameters where it has
 * any: LEAKY_RELU slope in p0; POW_SCALAR exponent in p0; CLAMP bounds p0 (low) and p1 (high);
 * ADD_SCALAR / MUL_SCALAR the scalar in p0.
 */
public enum UnaryOp {
    NEG, EXP, LOG, SQRT, ABS, SQUARE, RECIPROCAL,
    RELU, LEAKY_RELU, SILU, GELU, SIGMOID, LOG_SIGMOID, SOFTPLUS, TANH,
    POW_SCALAR, CLAMP, ADD_SCALAR, MUL_SCALAR
}
