package org.screener.nn.layers;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.ops.Linalg;
import org.screener.nn.Init;
import org.screener.nn.Module;
import org.screener.nn.Parameter;

import java.util.Random;

/** y = x·Wᵀ + b on (M, in) rows; weight (out, in) as in PyTorch. */
public final class Linear extends Module {
    public final int in, out;
    public final Parameter weight, bias;

    public Linear(Backend be, int in, int out, boolean bias, Random rnd) {
        if (in <= 0 || out <= 0) throw new IllegalArgumentException("Linear: sizes in=" + in + " out=" + out);
        this.in = in; this.out = out;
        this.weight = registerParameter("weight", Tensor.zeros(be, out, in));
        this.bias = bias ? registerParameter("bias", Tensor.zeros(be, out)) : null;
        double b = 1 / Math.sqrt(in);
        Init.uniform(weight, b, rnd);
        if (this.bias != null) Init.uniform(this.bias, b, rnd);
    }

    public Linear(int in, int out, boolean bias, Random rnd) { this(Backends.getDefault(), in, out, bias, rnd); }

    @Override public Tensor forward(Tensor x) {
        if (x.rank() != 2 || x.dim(1) != in)
            throw new IllegalArgumentException("Linear(" + in + "->" + out + "): input " + Shape.str(x.shape()) + " is not (M, " + in + ")");
        Tensor y = Linalg.matmul(x, weight.tensor(), false, true);
        return bias == null ? y : y.add(bias.tensor().reshape(1, out));
    }
}
