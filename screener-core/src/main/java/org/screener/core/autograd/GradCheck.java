package org.screener.core.autograd;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Reductions;

import java.util.Random;
import java.util.function.Function;

/**
 * Finite-difference check of an op's backward, in double precision on the reference backend (like
 * {@code torch.autograd.gradcheck}). The output is contracted with a fixed random tensor so that every
 * output element's gradient is exercised.
 */
public final class GradCheck {
    private GradCheck() {}

    /** The double-precision backend gradcheck runs on. */
    public static Backend ref() { return Backends.get("ref"); }

    /** Random inputs on the reference backend, uniform in [lo, hi). */
    public static Tensor input(Random rnd, double lo, double hi, int... shape) {
        return Tensor.rand(ref(), rnd, (float) lo, (float) hi, shape).requiresGrad(true);
    }

    /** Throws AssertionError naming the op, input, element and both values on the first mismatch. */
    public static void check(String name, Function<Tensor[], Tensor> f, Tensor... inputs) {
        check(name, f, 1e-6, 1e-5, 1e-4, inputs);
    }

    public static void check(String name, Function<Tensor[], Tensor> f, double eps, double atol, double rtol, Tensor... inputs) {
        Backend be = ref();
        for (Tensor t : inputs)
            if (t.backend() != be) throw new IllegalArgumentException("gradcheck " + name + ": inputs must be on the ref backend");
        Tensor out0;
        try (Autograd.Scope s = Autograd.noGrad()) { out0 = f.apply(inputs); }
        Tensor r = Tensor.randn(be, new Random(12345), 1f, out0.shape());
        // analytic
        for (Tensor t : inputs) t.zeroGrad();
        Tensor loss = Reductions.sum(Elementwise.mul(f.apply(inputs), r));
        loss.backward();
        for (int ii = 0; ii < inputs.length; ii++) {
            Tensor t = inputs[ii];
            if (!t.requiresGrad()) continue;
            double[] x = t.toDoubleArray();
            double[] ana = t.grad() == null ? new double[x.length] : t.grad().toDoubleArray();
            for (int i = 0; i < x.length; i++) {
                double orig = x[i];
                x[i] = orig + eps; be.writeDouble(t.storage(), 0, x, 0, x.length);
                double fp = eval(f, inputs, r);
                x[i] = orig - eps; be.writeDouble(t.storage(), 0, x, 0, x.length);
                double fm = eval(f, inputs, r);
                x[i] = orig; be.writeDouble(t.storage(), 0, x, 0, x.length);
                double num = (fp - fm) / (2 * eps);
                if (!(Math.abs(num - ana[i]) <= atol + rtol * Math.abs(num)))
                    throw new AssertionError("gradcheck " + name + ": input " + ii + " " + Shape.str(t.shape())
                            + " element " + i + ": analytic " + ana[i] + " vs numeric " + num);
            }
        }
    }

    private static double eval(Function<Tensor[], Tensor> f, Tensor[] inputs, Tensor r) {
        try (Autograd.Scope s = Autograd.noGrad()) {
            return Reductions.sum(Elementwise.mul(f.apply(inputs), r)).itemDouble();
        }
    }
}
