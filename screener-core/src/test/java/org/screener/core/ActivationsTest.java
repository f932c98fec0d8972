package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Activations;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class ActivationsTest {
    @SuppressWarnings("unchecked")
    static final Function<Tensor, Tensor>[] ALL = new Function[]{
            (Function<Tensor, Tensor>) Activations::relu, (Function<Tensor, Tensor>) t -> Activations.leakyRelu(t, 0.2f),
            (Function<Tensor, Tensor>) Activations::silu, (Function<Tensor, Tensor>) Activations::gelu,
            (Function<Tensor, Tensor>) Activations::sigmoid, (Function<Tensor, Tensor>) Activations::logSigmoid,
            (Function<Tensor, Tensor>) Activations::softplus, (Function<Tensor, Tensor>) Activations::tanh};
    static final String[] NAMES = {"relu", "leakyRelu", "silu", "gelu", "sigmoid", "logSigmoid", "softplus", "tanh"};

    @Test
    void everyActivationGradcheck() {
        Random rnd = new Random(20);
        for (int i = 0; i < ALL.length; i++) {
            Function<Tensor, Tensor> f = ALL[i];
            // away from the kink at 0 (relu, leakyRelu)
            Tensor x = Tensor.of(GradCheck.ref(), TestUtil.values(rnd, 3 * 7, -5, 5, 1e-3, 0), 3, 7).requiresGrad(true);
            GradCheck.check(NAMES[i], t -> f.apply(t[0]), x);
        }
    }

    @Test
    void valuesAgainstClosedForms() {
        float[] v = {-2f, -0.5f, 0f, 1f, 3f};
        for (Backend be : new Backend[]{TestUtil.cpu(), TestUtil.ref()}) {
            Tensor x = Tensor.of(be, v, 5);
            assertArrayEquals(new float[]{0, 0, 0, 1, 3}, Activations.relu(x).toArray(), be.name());
            assertArrayEquals(new float[]{-0.2f, -0.05f, 0, 1, 3}, Activations.leakyRelu(x, 0.1f).toArray(), 1e-7f);
            float[] silu = Activations.silu(x).toArray(), sig = Activations.sigmoid(x).toArray(),
                    ls = Activations.logSigmoid(x).toArray(), sp = Activations.softplus(x).toArray(),
                    th = Activations.tanh(x).toArray();
            for (int i = 0; i < v.length; i++) {
                double s = 1 / (1 + Math.exp(-v[i]));
                assertEquals(v[i] * s, silu[i], 1e-6);
                assertEquals(s, sig[i], 1e-6);
                assertEquals(Math.log(s), ls[i], 1e-6);
                assertEquals(Math.log(1 + Math.exp(v[i])), sp[i], 1e-6);
                assertEquals(Math.tanh(v[i]), th[i], 1e-6);
            }
            // gelu(1) = Phi(1) and gelu(-1) = -Phi(-1): standard normal CDF table values
            float[] g = Activations.gelu(Tensor.of(be, new float[]{1f, -1f, 0f}, 3)).toArray();
            assertArrayEquals(new float[]{0.8413447f, -0.1586553f, 0f}, g, 1e-6f);
        }
    }

    @Test
    void stableAtLargeInputs() {
        for (Backend be : new Backend[]{TestUtil.cpu(), TestUtil.ref()}) {
            Tensor x = Tensor.of(be, new float[]{-50f, 50f}, 2);
            float[] sp = Activations.softplus(x).toArray(), ls = Activations.logSigmoid(x).toArray(),
                    sig = Activations.sigmoid(x).toArray(), silu = Activations.silu(x).toArray();
            assertEquals((float) Math.exp(-50), sp[0], 1e-28f);
            assertEquals(50f, sp[1]);
            assertEquals(-50f, ls[0]);
            assertEquals((float) -Math.exp(-50), ls[1], 1e-28f);
            assertEquals((float) Math.exp(-50), sig[0], 1e-28f);
            assertEquals(1f, sig[1]);
            assertEquals((float) (-50 * Math.exp(-50)), silu[0], 1e-26f);
            assertEquals(50f, silu[1]);
        }
    }
}
