package org.screener.nn.optim;

import org.screener.core.Tensor;
import org.screener.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * SGD as in PyTorch: g += wd·w; buf = μ·buf + (1 − dampening)·g (buf = g on the first step);
 * g = g + μ·buf with Nesterov, else buf; w −= lr·g.
 */
public final class SGD extends Optimizer {
    private final double momentum, dampening, weightDecay;
    private final boolean nesterov;

    public SGD(Map<String, Parameter> params, double lr, double momentum, double dampening, double weightDecay, boolean nesterov) {
        super(params, lr);
        if (nesterov && (momentum <= 0 || dampening != 0))
            throw new IllegalArgumentException("SGD: Nesterov needs momentum > 0 and zero dampening (momentum " + momentum + ", dampening " + dampening + ")");
        this.momentum = momentum; this.dampening = dampening; this.weightDecay = weightDecay; this.nesterov = nesterov;
        if (momentum != 0) initState("momentum_buffer");
        else initState();
    }

    public SGD(List<Parameter> params, double lr, double momentum, double weightDecay, boolean nesterov) {
        this(indexed(params), lr, momentum, 0, weightDecay, nesterov);
    }

    @Override protected void update(String name, Tensor w, Tensor g, Map<String, Tensor> st, boolean first) {
        Tensor buf = momentum != 0 ? st.get("momentum_buffer") : null;
        w.backend().sgdUpdate(w.storage(), g.storage(), buf == null ? null : buf.storage(), w.numel(), lr, momentum, dampening,
                weightDecay, nesterov, first);
    }
}
