package org.screener.nn;

import org.junit.jupiter.api.Test;
import org.screener.core.Tensor;
import org.screener.nn.layers.Activation;
import org.screener.nn.layers.BatchNorm;
import org.screener.nn.layers.Conv3d;
import org.screener.nn.layers.ConvTranspose3d;
import org.screener.nn.layers.GroupNorm;
import org.screener.nn.layers.InstanceNorm;
import org.screener.nn.layers.LayerNorm;
import org.screener.nn.layers.LayerScale;
import org.screener.nn.layers.Linear;
import org.screener.nn.layers.ResBlock;
import org.screener.nn.layers.Sequential;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Each layer's forward against a direct double-precision computation written here. */
class LayersTest {
    static void close(double[] want, float[] got, double tol) {
        assertEquals(want.length, got.length, "length");
        for (int i = 0; i < want.length; i++)
            assertEquals(want[i], got[i], tol * (1 + Math.abs(want[i])), "element " + i);
    }

    static Tensor rand(Random r, int... shape) { return Tensor.randn(org.screener.core.Backends.getDefault(), r, 1f, shape); }

    /** Direct convolution: x (N,Ci,D,H,W), w (Co,Ci,k,k,k), stride s, pad p. */
    static double[] conv(float[] x, int[] xs, float[] w, int[] ws, float[] b, int s, int p, int[] os) {
        int N = xs[0], Ci = xs[1], Co = ws[0], k0 = ws[2], k1 = ws[3], k2 = ws[4];
        double[] y = new double[N * Co * os[2] * os[3] * os[4]];
        for (int n = 0; n < N; n++) for (int co = 0; co < Co; co++)
            for (int d = 0; d < os[2]; d++) for (int h = 0; h < os[3]; h++) for (int ww = 0; ww < os[4]; ww++) {
                double acc = b == null ? 0 : b[co];
                for (int ci = 0; ci < Ci; ci++) for (int a = 0; a < k0; a++) for (int bb = 0; bb < k1; bb++) for (int c = 0; c < k2; c++) {
                    int id = d * s - p + a, ih = h * s - p + bb, iw = ww * s - p + c;
                    if (id < 0 || ih < 0 || iw < 0 || id >= xs[2] || ih >= xs[3] || iw >= xs[4]) continue;
                    acc += (double) x[(((n * Ci + ci) * xs[2] + id) * xs[3] + ih) * xs[4] + iw]
                            * w[(((co * Ci + ci) * k0 + a) * k1 + bb) * k2 + c];
                }
                y[(((n * Co + co) * os[2] + d) * os[3] + h) * os[4] + ww] = acc;
            }
        return y;
    }

    @Test
    void conv3dMatchesDirectSum() {
        Random r = new Random(3);
        for (int[] cfg : new int[][]{{3, 1, 1}, {2, 2, 0}, {1, 1, 0}}) {
            Conv3d c = new Conv3d(3, 5, cfg[0], cfg[1], cfg[2], true, r);
            Tensor x = rand(r, 2, 3, 5, 6, 7);
            Tensor y = c.forward(x);
            int[] os = y.shape();
            int[] expect = {2, 5, (5 + 2 * cfg[2] - cfg[0]) / cfg[1] + 1, (6 + 2 * cfg[2] - cfg[0]) / cfg[1] + 1, (7 + 2 * cfg[2] - cfg[0]) / cfg[1] + 1};
            assertArrayEquals(expect, os);
            close(conv(x.toArray(), x.shape(), c.weight.tensor().toArray(), c.weight.shape(), c.bias.tensor().toArray(), cfg[1], cfg[2], os), y.toArray(), 1e-4);
        }
    }

    @Test
    void convDefaultInitWithinFanInBound() {
        Conv3d c = new Conv3d(4, 6, 3, 1, 1, true, new Random(5));
        double b = 1 / Math.sqrt(4 * 27);
        for (float v : c.weight.tensor().toArray()) assertEquals(0, v, b);
        for (float v : c.bias.tensor().toArray()) assertEquals(0, v, b);
    }

    @Test
    void convTransposeScattersEachInputVoxel() {
        Random r = new Random(4);
        ConvTranspose3d ct = new ConvTranspose3d(3, 2, 2, 2, 0, true, r);
        Tensor x = rand(r, 1, 3, 2, 3, 2);
        Tensor y = ct.forward(x);
        assertArrayEquals(new int[]{1, 2, 4, 6, 4}, y.shape());
        float[] xa = x.toArray(), wa = ct.weight.tensor().toArray(), ba = ct.bias.tensor().toArray();
        double[] want = new double[2 * 4 * 6 * 4];
        for (int co = 0; co < 2; co++) for (int i = 0; i < 4 * 6 * 4; i++) want[co * 96 + i] = ba[co];
        for (int ci = 0; ci < 3; ci++) for (int d = 0; d < 2; d++) for (int h = 0; h < 3; h++) for (int w = 0; w < 2; w++)
            for (int co = 0; co < 2; co++) for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) for (int c = 0; c < 2; c++)
                want[((co * 4 + 2 * d + a) * 6 + 2 * h + b) * 4 + 2 * w + c] +=
                        (double) xa[((ci * 2 + d) * 3 + h) * 2 + w] * wa[(((ci * 2 + co) * 2 + a) * 2 + b) * 2 + c];
        close(want, y.toArray(), 1e-5);
    }

    @Test
    void linearIsXWtPlusB() {
        Random r = new Random(6);
        Linear l = new Linear(4, 3, true, r);
        Tensor x = rand(r, 5, 4);
        float[] xa = x.toArray(), w = l.weight.tensor().toArray(), b = l.bias.tensor().toArray();
        double[] want = new double[15];
        for (int m = 0; m < 5; m++) for (int o = 0; o < 3; o++) {
            double s = b[o];
            for (int i = 0; i < 4; i++) s += (double) xa[m * 4 + i] * w[o * 4 + i];
            want[m * 3 + o] = s;
        }
        close(want, l.forward(x).toArray(), 1e-5);
        assertThrows(IllegalArgumentException.class, () -> l.forward(rand(r, 5, 3)));
    }

    /** Normalise groups of consecutive values of length len in double, then per-channel affine. */
    static double[] normalise(float[] x, int groups, int len, int chanLen, int channels, float[] g, float[] b, double eps) {
        double[] y = new double[x.length];
        for (int gi = 0; gi < groups; gi++) {
            double m = 0, v = 0;
            for (int i = 0; i < len; i++) m += x[gi * len + i];
            m /= len;
            for (int i = 0; i < len; i++) v += (x[gi * len + i] - m) * (x[gi * len + i] - m);
            v /= len;
            for (int i = 0; i < len; i++) {
                int idx = gi * len + i, c = (idx / chanLen) % channels;
                y[idx] = (x[idx] - m) / Math.sqrt(v + eps) * (g == null ? 1 : g[c]) + (b == null ? 0 : b[c]);
            }
        }
        return y;
    }

    @Test
    void groupNormAndInstanceNormMatchDefinition() {
        Random r = new Random(7);
        GroupNorm gn = new GroupNorm(2, 6);
        gn.weight.tensor().assign(rand(r, 6));
        gn.bias.tensor().assign(rand(r, 6));
        Tensor x = rand(r, 2, 6, 3, 2, 3).mul(3f).add(1f);
        close(normalise(x.toArray(), 4, 3 * 18, 18, 6, gn.weight.tensor().toArray(), gn.bias.tensor().toArray(), 1e-5),
                gn.forward(x).toArray(), 1e-4);
        InstanceNorm in = new InstanceNorm(6, false);
        close(normalise(x.toArray(), 12, 18, 18, 6, null, null, 1e-5), in.forward(x).toArray(), 1e-4);
    }

    @Test
    void layerNormNormalisesRows() {
        Random r = new Random(8);
        LayerNorm ln = new LayerNorm(5);
        ln.weight.tensor().assign(rand(r, 5));
        ln.bias.tensor().assign(rand(r, 5));
        Tensor x = rand(r, 4, 5);
        // rows of (M, C): each row is a group, channel = column
        float[] xa = x.toArray(), g = ln.weight.tensor().toArray(), b = ln.bias.tensor().toArray();
        double[] want = normalise(xa, 4, 5, 1, 5, g, b, 1e-5);
        close(want, ln.forward(x).toArray(), 1e-4);
    }

    @Test
    void batchNormUsesBatchStatsInTrainingAndRunningStatsInEval() {
        Random r = new Random(9);
        BatchNorm bn = new BatchNorm(3);
        Tensor x = rand(r, 4, 3, 2, 2, 2).mul(2f).add(0.5f);
        float[] xa = x.toArray();
        float[] y = bn.forward(x).toArray();
        for (int c = 0; c < 3; c++) {
            double m = 0, v = 0;
            int cnt = 4 * 8;
            for (int n = 0; n < 4; n++) for (int i = 0; i < 8; i++) m += xa[(n * 3 + c) * 8 + i];
            m /= cnt;
            for (int n = 0; n < 4; n++) for (int i = 0; i < 8; i++) v += Math.pow(xa[(n * 3 + c) * 8 + i] - m, 2);
            double vb = v / cnt, vu = v / (cnt - 1);
            for (int n = 0; n < 4; n++) for (int i = 0; i < 8; i++)
                assertEquals((xa[(n * 3 + c) * 8 + i] - m) / Math.sqrt(vb + 1e-5), y[(n * 3 + c) * 8 + i], 1e-4);
            assertEquals(0.1 * m, bn.runningMean().toArray()[c], 1e-5);
            assertEquals(0.9 + 0.1 * vu, bn.runningVar().toArray()[c], 1e-4);
        }
        bn.eval();
        float[] rm = bn.runningMean().toArray(), rv = bn.runningVar().toArray();
        float[] ye = bn.forward(x).toArray();
        for (int i = 0; i < xa.length; i++) {
            int c = (i / 8) % 3;
            assertEquals((xa[i] - rm[c]) / Math.sqrt(rv[c] + 1e-5), ye[i], 1e-4);
        }
        assertArrayEquals(rm, bn.runningMean().toArray(), "eval must not update running stats");
        assertEquals(java.util.List.of("running_mean", "running_var"), new java.util.ArrayList<>(bn.namedBuffers().keySet()));
    }

    @Test
    void activationsMatchFormulas() {
        float[] xs = {-2f, -0.5f, 0f, 0.7f, 3f};
        Tensor x = Tensor.of(xs, 5);
        float[] relu = Activation.relu().forward(x).toArray(), silu = Activation.silu().forward(x).toArray(),
                gelu = Activation.gelu().forward(x).toArray(), lrelu = Activation.leakyRelu(0.1f).forward(x).toArray();
        // erf values (Python math.erf): erf(-sqrt2)=-0.954499736, erf(-0.353553)=-0.382924923, erf(0.494975)=0.516072696, erf(2.12132)=0.997300204
        double[] erf = {-0.9544997361, -0.3829249225, 0, 0.5160726956, 0.9973002039};
        for (int i = 0; i < 5; i++) {
            double v = xs[i];
            assertEquals(Math.max(0, v), relu[i], 1e-7);
            assertEquals(v / (1 + Math.exp(-v)), silu[i], 1e-6);
            assertEquals(0.5 * v * (1 + erf[i]), gelu[i], 1e-5);
            assertEquals(v > 0 ? v : 0.1 * v, lrelu[i], 1e-7);
        }
    }

    @Test
    void layerScaleMultipliesChannels() {
        LayerScale ls = new LayerScale(3);
        for (float g : ls.gamma.tensor().toArray()) assertEquals(1e-5f, g);
        ls.gamma.tensor().assign(Tensor.of(new float[]{1, 2, 3}, 3));
        float[] y = ls.forward(Tensor.ones(2, 3, 1, 1, 2)).toArray();
        assertArrayEquals(new float[]{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}, y);
    }

    @Test
    void resBlockComposesItsParts() {
        Random r = new Random(10);
        ResBlock rb = new ResBlock(8, r);
        assertEquals(2, ResBlock.groupsFor(8));
        assertEquals(32, ResBlock.groupsFor(512));
        assertEquals(1, ResBlock.groupsFor(3));
        rb.bias.tensor().assign(rand(r, 8));
        rb.layerScale.gamma.tensor().assign(rand(r, 8));
        Tensor x = rand(r, 1, 8, 4, 3, 5);
        // by hand: GN(2 groups) -> silu -> conv -> +bias -> GN -> silu -> conv -> *gamma -> +x
        int[] xs = x.shape();
        float[] xa = x.toArray();
        double[] h = normalise(xa, 2, 4 * 60, 60, 8, null, null, 1e-5);
        float[] hf = new float[h.length];
        for (int i = 0; i < h.length; i++) hf[i] = (float) (h[i] / (1 + Math.exp(-h[i])));
        double[] c1 = conv(hf, xs, rb.conv1.weight.tensor().toArray(), rb.conv1.weight.shape(), rb.conv1.bias.tensor().toArray(), 1, 1, xs);
        float[] bias = rb.bias.tensor().toArray(), c1f = new float[c1.length];
        for (int i = 0; i < c1.length; i++) c1f[i] = (float) (c1[i] + bias[(i / 60) % 8]);
        double[] h2 = normalise(c1f, 2, 4 * 60, 60, 8, null, null, 1e-5);
        for (int i = 0; i < h2.length; i++) hf[i] = (float) (h2[i] / (1 + Math.exp(-h2[i])));
        double[] c2 = conv(hf, xs, rb.conv2.weight.tensor().toArray(), rb.conv2.weight.shape(), rb.conv2.bias.tensor().toArray(), 1, 1, xs);
        float[] g = rb.layerScale.gamma.tensor().toArray();
        double[] want = new double[c2.length];
        for (int i = 0; i < c2.length; i++) want[i] = xa[i] + g[(i / 60) % 8] * c2[i];
        close(want, rb.forward(x).toArray(), 2e-4);
    }

    @Test
    void sequentialAppliesInOrder() {
        Random r = new Random(11);
        Linear a = new Linear(3, 4, true, r), b = new Linear(4, 2, false, r);
        Sequential s = new Sequential(a, Activation.relu(), b);
        Tensor x = rand(r, 2, 3);
        assertArrayEquals(b.forward(Activation.relu().forward(a.forward(x))).toArray(), s.forward(x).toArray());
        assertEquals(java.util.List.of("0.weight", "0.bias", "2.weight"), new java.util.ArrayList<>(s.namedParameters().keySet()));
    }
}
