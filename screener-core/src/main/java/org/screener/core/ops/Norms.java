package org.screener.core.ops;

import org.screener.core.Tensor;

/** TEMP norms composed from basic ops, for nn development. */
public final class Norms {
    private Norms() {}

    static int[] chanShape(int rank, int c) { int[] s = new int[rank]; java.util.Arrays.fill(s, 1); s[1] = c; return s; }

    static Tensor affine(Tensor y, Tensor gamma, Tensor beta) {
        int[] cs = chanShape(y.rank(), y.dim(1));
        if (gamma != null) y = y.mul(gamma.reshape(cs));
        if (beta != null) y = y.add(beta.reshape(cs));
        return y;
    }

    public static Tensor groupNorm(Tensor x, int groups, Tensor gamma, Tensor beta, float eps) {
        int[] xs = x.shape();
        Tensor r = x.reshape(xs[0], groups, -1);
        Tensor mu = Reductions.meanKeep(r, 2);
        Tensor xc = r.sub(mu);
        Tensor var = Reductions.meanKeep(xc.square(), 2);
        Tensor y = xc.div(var.add(eps).sqrt()).reshape(xs);
        return affine(y, gamma, beta);
    }

    public static Tensor instanceNorm(Tensor x, Tensor gamma, Tensor beta, float eps) { return groupNorm(x, x.dim(1), gamma, beta, eps); }

    public static Tensor layerNorm(Tensor x, Tensor gamma, Tensor beta, float eps) {
        Tensor mu = Reductions.meanKeep(x, 1);
        Tensor xc = x.sub(mu);
        Tensor var = Reductions.meanKeep(xc.square(), 1);
        Tensor y = xc.div(var.add(eps).sqrt());
        if (gamma != null) y = y.mul(gamma.reshape(1, -1));
        if (beta != null) y = y.add(beta.reshape(1, -1));
        return y;
    }

    public static Tensor batchNorm(Tensor x, Tensor runningMean, Tensor runningVar, Tensor gamma, Tensor beta,
                                   boolean training, float momentum, float eps) {
        int c = x.dim(1);
        int[] cs = chanShape(x.rank(), c);
        int[] axes = new int[x.rank() - 1];
        for (int i = 0, j = 0; i < x.rank(); i++) if (i != 1) axes[j++] = i;
        Tensor y;
        if (training) {
            Tensor mu = Reductions.meanKeep(x, axes);
            Tensor xc = x.sub(mu);
            Tensor var = Reductions.meanKeep(xc.square(), axes);
            y = xc.div(var.add(eps).sqrt());
            long cnt = x.numel() / c;
            float[] m = mu.toArray(), v = var.toArray(), rm = runningMean.toArray(), rv = runningVar.toArray();
            for (int i = 0; i < c; i++) {
                rm[i] = (1 - momentum) * rm[i] + momentum * m[i];
                rv[i] = (1 - momentum) * rv[i] + momentum * v[i] * cnt / Math.max(1, cnt - 1);
            }
            runningMean.assign(Tensor.of(x.backend(), rm, c));
            runningVar.assign(Tensor.of(x.backend(), rv, c));
        } else {
            y = x.sub(runningMean.detach().reshape(cs)).div(runningVar.detach().reshape(cs).add(eps).sqrt());
        }
        return affine(y, gamma, beta);
    }
}
