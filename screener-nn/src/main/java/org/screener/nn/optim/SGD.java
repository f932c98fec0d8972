package org.screener.nn.optim;

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
    }

    public SGD(List<Parameter> params, double lr, double momentum, double weightDecay, boolean nesterov) {
        this(indexed(params), lr, momentum, 0, weightDecay, nesterov);
    }

    @Override protected void update(String name, float[] w, float[] g, Map<String, float[]> st) {
        boolean first = !st.containsKey("momentum_buffer");
        float[] buf = momentum != 0 ? buffer(st, "momentum_buffer", w.length) : null;
        for (int i = 0; i < w.length; i++) {
            double gi = g[i] + weightDecay * w[i];
            if (buf != null) {
                double b = first ? gi : momentum * buf[i] + (1 - dampening) * gi;
                buf[i] = (float) b;
                gi = nesterov ? gi + momentum * b : b;
            }
            w[i] = (float) (w[i] - lr * gi);
        }
    }
}
