package org.screener.core;

import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Reductions;

import java.util.Random;
import java.util.function.Function;

/** Test helper: runs an op on the reference and the CPU backend and compares outputs and input gradients. */
final class CpuVsRef {
    private CpuVsRef() {}

    static Backend cpu() { return Backends.get("cpu"); }

    static void assertClose(String what, double[] expected, double[] actual, double atol, double rtol) {
        if (expected.length != actual.length)
            throw new AssertionError(what + ": " + expected.length + " vs " + actual.length + " elements");
        for (int i = 0; i < expected.length; i++)
            if (!(Math.abs(expected[i] - actual[i]) <= atol + rtol * Math.abs(expected[i])))
                throw new AssertionError(what + ": element " + i + " expected " + expected[i] + " got " + actual[i]);
    }

    /**
     * f on ref inputs and on their CPU copies; the loss sum(f(x) * r) with a fixed random r is back-propagated on
     * both, and outputs and every input gradient must agree to float precision (tol, relative to the largest value).
     */
    static void check(String name, Function<Tensor[], Tensor> f, double tol, Tensor... refInputs) {
        Tensor[] cpuInputs = new Tensor[refInputs.length];
        for (int i = 0; i < refInputs.length; i++) {
            refInputs[i].zeroGrad();
            cpuInputs[i] = refInputs[i].to(cpu()).requiresGrad(true);
            refInputs[i].requiresGrad(true);
        }
        Tensor yr = f.apply(refInputs), yc = f.apply(cpuInputs);
        Tensor r = Tensor.randn(GradCheck.ref(), new Random(7), 1f, yr.shape());
        compare(name + " output", yr.toDoubleArray(), yc.toDoubleArray(), tol);
        Reductions.sum(Elementwise.mul(yr, r)).backward();
        Reductions.sum(Elementwise.mul(yc, r.to(cpu()))).backward();
        for (int i = 0; i < refInputs.length; i++)
            compare(name + " grad of input " + i, refInputs[i].grad().toDoubleArray(), cpuInputs[i].grad().toDoubleArray(), tol);
    }

    private static void compare(String what, double[] e, double[] a, double tol) {
        double scale = 1e-30;
        for (double v : e) scale = Math.max(scale, Math.abs(v));
        assertClose(what, e, a, tol * scale, 0);
    }
}
