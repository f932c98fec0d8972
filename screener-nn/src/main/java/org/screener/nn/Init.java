package org.screener.nn;

import org.screener.core.Tensor;

import java.util.Random;

/** Weight initialisers. All randomness comes from the given generator. Fans follow PyTorch (dim 1 × kernel volume = fan in). */
public final class Init {
    private Init() {}

    public static long fanIn(int[] shape) {
        if (shape.length < 2) return shape.length == 1 ? shape[0] : 1;
        long rf = 1;
        for (int i = 2; i < shape.length; i++) rf *= shape[i];
        return shape[1] * rf;
    }

    public static long fanOut(int[] shape) {
        if (shape.length < 2) return shape.length == 1 ? shape[0] : 1;
        long rf = 1;
        for (int i = 2; i < shape.length; i++) rf *= shape[i];
        return shape[0] * rf;
    }

    /** Gain of leaky ReLU with the given negative slope (0 for ReLU: sqrt 2). */
    public static double leakyReluGain(double slope) { return Math.sqrt(2.0 / (1 + slope * slope)); }

    /** N(0, gain²/fan) with fan = fan in (or fan out if fanOut). */
    public static void kaimingNormal(Parameter p, double gain, boolean fanOut, Random rnd) {
        int[] s = p.shape();
        double std = gain / Math.sqrt(fanOut ? fanOut(s) : fanIn(s));
        p.tensor().assign(Tensor.randn(p.tensor().backend(), rnd, (float) std, s));
    }

    /** U(-b, b) with b = gain·sqrt(3/fan). */
    public static void kaimingUniform(Parameter p, double gain, boolean fanOut, Random rnd) {
        int[] s = p.shape();
        double b = gain * Math.sqrt(3.0 / (fanOut ? fanOut(s) : fanIn(s)));
        uniform(p, b, rnd);
    }

    public static void uniform(Parameter p, double bound, Random rnd) {
        p.tensor().assign(Tensor.rand(p.tensor().backend(), rnd, (float) -bound, (float) bound, p.shape()));
    }

    public static void constant(Parameter p, float v) {
        p.tensor().assign(Tensor.full(p.tensor().backend(), v, p.shape()));
    }

    public static void zeros(Parameter p) { constant(p, 0f); }

    /** Zeroes every parameter of a module (e.g. the last layer of a residual branch or a head). */
    public static void zeros(Module m) {
        for (Parameter p : m.parameters()) zeros(p);
    }
}
