package org.screener.core.autograd;

import org.screener.core.Tensor;

/**
 * Computes the gradients of an op's inputs from the gradient of its output. Returns one entry per input,
 * null where that input needs no gradient. Runs with gradient recording off.
 */
@FunctionalInterface
public interface BackwardFn {
    Tensor[] apply(Tensor gradOut);
}
