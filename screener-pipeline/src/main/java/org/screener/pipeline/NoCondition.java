package org.screener.pipeline;

import org.screener.core.Tensor;

/** No condition: the density is the marginal of the descriptor. */
public final class NoCondition implements ConditionSource {
    public static final NoCondition INSTANCE = new NoCondition();

    private NoCondition() {}

    @Override public int channels() { return 0; }
    @Override public Tensor condition(Tensor crops, int[][] offsets, int[][] scanDims) { return null; }
    @Override public String name() { return "none"; }
}
