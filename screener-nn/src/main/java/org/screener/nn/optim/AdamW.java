package org.screener.nn.optim;

import org.screener.nn.Parameter;

import java.util.List;
import java.util.Map;

/** Adam with decoupled weight decay (Loshchilov and Hutter); PyTorch's defaults: betas 0.9/0.999, eps 1e-8, wd 1e-2. */
public final class AdamW extends Adam {
    public AdamW(Map<String, Parameter> params, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(params, lr, beta1, beta2, eps, weightDecay, true);
    }

    public AdamW(List<Parameter> params, double lr, double weightDecay) { this(indexed(params), lr, 0.9, 0.999, 1e-8, weightDecay); }
}
