package org.screener.nn.optim;

import org.screener.core.Tensor;
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
        initState("exp_avg", "exp_avg_sq");
    }

    public Adam(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        this(params, lr, beta1, beta2, eps, weightDecay, false);
    }

    public Adam(List<Parameter> params, double lr) { this(indexed(params), lr, 0.9, 0.999, 1e-8, 0, false); }

    @Override protected void update(String name, Tensor w, Tensor g, Map<String, Tensor> st, boolean first) {
        // bias corrections from the optimizer's step count, not the parameter's (as before, and as PyTorch
        // would only if every parameter had a gradient every step)
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        w.backend().adamUpdate(w.storage(), g.storage(), st.get("exp_avg").storage(), st.get("exp_avg_sq").storage(), w.numel(),
                lr, beta1, beta2, eps, weightDecay, decoupled, bc1, bc2);
    }
}
