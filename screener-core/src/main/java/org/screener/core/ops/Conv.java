package org.screener.core.ops;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

/** TEMP naive convolution for nn development; replaced by the conv helper's version. */
public final class Conv {
    private Conv() {}

    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int stride, int pad) {
        return conv3d(x, w, bias, new int[]{stride, stride, stride}, new int[]{pad, pad, pad}, new int[]{1, 1, 1}, 1);
    }

    public static Tensor conv3d(Tensor x, Tensor w, Tensor bias, int[] s, int[] p, int[] dl, int groups) {
        Backend be = x.backend();
        int[] xs = x.shape(), ws = w.shape();
        int N = xs[0], Ci = xs[1], Co = ws[0], Cig = ws[1], Cog = Co / groups;
        int[] in = {xs[2], xs[3], xs[4]}, k = {ws[2], ws[3], ws[4]}, o = new int[3];
        if (Cig * groups != Ci) throw new IllegalArgumentException("conv3d: channels " + Ci + " vs weight " + java.util.Arrays.toString(ws));
        for (int a = 0; a < 3; a++) o[a] = (in[a] + 2 * p[a] - dl[a] * (k[a] - 1) - 1) / s[a] + 1;
        float[] xa = x.toArray(), wa = w.toArray(), ba = bias == null ? null : bias.toArray();
        float[] y = new float[N * Co * o[0] * o[1] * o[2]];
        loop(0, N, Ci, Co, Cig, Cog, in, k, o, s, p, dl, xa, wa, y);
        int ov = o[0] * o[1] * o[2];
        if (ba != null) for (int n = 0; n < N; n++) for (int c = 0; c < Co; c++) for (int v = 0; v < ov; v++) y[(n * Co + c) * ov + v] += ba[c];
        Tensor out = Tensor.of(be, y, N, Co, o[0], o[1], o[2]);
        Tensor[] ins = bias == null ? new Tensor[]{x, w} : new Tensor[]{x, w, bias};
        return Autograd.record(out, "conv3d", ins, g -> {
            float[] ga = g.toArray();
            float[] gx = new float[xa.length], gw = new float[wa.length];
            loop(1, N, Ci, Co, Cig, Cog, in, k, o, s, p, dl, gx, wa, ga);
            loop(2, N, Ci, Co, Cig, Cog, in, k, o, s, p, dl, xa, gw, ga);
            Tensor[] r = new Tensor[ins.length];
            r[0] = Tensor.of(be, gx, xs);
            r[1] = Tensor.of(be, gw, ws);
            if (bias != null) {
                float[] gb = new float[Co];
                for (int n = 0; n < N; n++) for (int c = 0; c < Co; c++) for (int v = 0; v < ov; v++) gb[c] += ga[(n * Co + c) * ov + v];
                r[2] = Tensor.of(be, gb, Co);
            }
            return r;
        });
    }

    /** mode 0: y += x*w; 1: x += y*w; 2: w += x*y. */
    private static void loop(int mode, int N, int Ci, int Co, int Cig, int Cog, int[] in, int[] k, int[] o, int[] s, int[] p, int[] dl,
                             float[] x, float[] w, float[] y) {
        int iv = in[0] * in[1] * in[2], ov = o[0] * o[1] * o[2];
        for (int n = 0; n < N; n++)
            for (int co = 0; co < Co; co++) {
                int gr = co / Cog;
                for (int cg = 0; cg < Cig; cg++) {
                    int ci = gr * Cig + cg;
                    int xb = (n * Ci + ci) * iv, yb = (n * Co + co) * ov;
                    for (int kd = 0; kd < k[0]; kd++) for (int kh = 0; kh < k[1]; kh++) for (int kw = 0; kw < k[2]; kw++) {
                        int wi = (((co * Cig + cg) * k[0] + kd) * k[1] + kh) * k[2] + kw;
                        float wv = w[wi];
                        double acc = 0;
                        for (int od = 0; od < o[0]; od++) {
                            int id = od * s[0] - p[0] + kd * dl[0];
                            if (id < 0 || id >= in[0]) continue;
                            for (int oh = 0; oh < o[1]; oh++) {
                                int ih = oh * s[1] - p[1] + kh * dl[1];
                                if (ih < 0 || ih >= in[1]) continue;
                                int xr = xb + (id * in[1] + ih) * in[2], yr = yb + (od * o[1] + oh) * o[2];
                                for (int ow = 0; ow < o[2]; ow++) {
                                    int iw = ow * s[2] - p[2] + kw * dl[2];
                                    if (iw < 0 || iw >= in[2]) continue;
                                    if (mode == 0) y[yr + ow] += x[xr + iw] * wv;
                                    else if (mode == 1) x[xr + iw] += y[yr + ow] * wv;
                                    else acc += x[xr + iw] * y[yr + ow];
                                }
                            }
                        }
                        if (mode == 2) w[wi] += (float) acc;
                    }
                }
            }
    }

    public static Tensor convTranspose3d(Tensor x, Tensor w, Tensor bias, int[] s, int[] p, int[] op, int[] dl) {
        Backend be = x.backend();
        int[] xs = x.shape(), ws = w.shape();
        int N = xs[0], Ci = xs[1], Co = ws[1];
        int[] in = {xs[2], xs[3], xs[4]}, k = {ws[2], ws[3], ws[4]}, o = new int[3];
        for (int a = 0; a < 3; a++) o[a] = (in[a] - 1) * s[a] - 2 * p[a] + dl[a] * (k[a] - 1) + op[a] + 1;
        // the transposed conv is the data-backward of a conv from o-sized (Co channels) to in-sized (Ci channels)
        float[] xa = x.toArray(), wa = w.toArray();
        float[] y = new float[N * Co * o[0] * o[1] * o[2]];
        // conv weight layout (Ci, Co, k) == (cout'=Ci, cin'=Co): mode 1 scatters "y'"=x into "x'"=y
        loop(1, N, Co, Ci, Co, Ci, o, k, in, s, p, dl, y, wa, xa);
        int ov = o[0] * o[1] * o[2];
        if (bias != null) { float[] ba = bias.toArray(); for (int n = 0; n < N; n++) for (int c = 0; c < Co; c++) for (int v = 0; v < ov; v++) y[(n * Co + c) * ov + v] += ba[c]; }
        Tensor out = Tensor.of(be, y, N, Co, o[0], o[1], o[2]);
        Tensor[] ins = bias == null ? new Tensor[]{x, w} : new Tensor[]{x, w, bias};
        return Autograd.record(out, "convTranspose3d", ins, g -> {
            float[] ga = g.toArray();
            float[] gx = new float[xa.length], gw = new float[wa.length];
            loop(0, N, Co, Ci, Co, Ci, o, k, in, s, p, dl, ga, wa, gx);
            loop(2, N, Co, Ci, Co, Ci, o, k, in, s, p, dl, ga, gw, xa);
            Tensor[] r = new Tensor[ins.length];
            r[0] = Tensor.of(be, gx, xs);
            r[1] = Tensor.of(be, gw, ws);
            if (bias != null) {
                float[] gb = new float[Co];
                for (int n = 0; n < N; n++) for (int c = 0; c < Co; c++) for (int v = 0; v < ov; v++) gb[c] += ga[(n * Co + c) * ov + v];
                r[2] = Tensor.of(be, gb, Co);
            }
            return r;
        });
    }
}
