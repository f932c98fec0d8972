package org.screener.nn.optim;

import org.screener.nn.Parameter;

import java.util.List;
import java.util.Map;

/**
 * Adam with bias correction. With {@code decoupled} (AdamW) the weight decay shrinks the weights directly,
 * w −= lr·wd·w, before the Adam step; otherwise (Adam) wd·w is added to the gradient (L2 penalty).
 * m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; w −= lr·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + eps).
 */
public class Adam extends Optimizer {
    protected final double beta1, beta2, eps, weightDecay;
    private final boolean decoupled;

    protected Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(params, lr);
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps >= 0))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": betas (" + beta1 + ", " + beta2 + ") or eps " + eps + " out of range");
        this.beta1 = beta1; this.beta2 = beta2; this.eps = eps; this.weightDecay = weightDecay; this.decoupled = decoupled;
    }

    public Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    public Adam(List<Parameter> params, double lr) { this(indexed(params), lr, 0.9, 0.999, 1e-8, 0, false); }

    @Override protected void update(String name, float[] w, float[] g, Map<String, float[]> st) {
        float[] m = buffer(st, "exp_avg", w.length), v = buffer(st, "exp_avg_sq", w.length);
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < w.length; i++) {
            double wi = w[i], gi = g[i];
            if (decoupled) wi -= lr * weightDecay * wi;
            else gi += weightDecay * wi;
            double mi = beta1 * m[i] + (1 - beta1) * gi;
            double vi = beta2 * v[i] + (1 - beta2) * gi * gi;
            m[i] = (float) mi;
            v[i] = (float) vi;
            w[i] = (float) (wi - lr * (mi / bc1) / (Math.sqrt(vi / bc2) + eps));
        }
    }
}
