package org.screener.core.ops;

import org.screener.core.Tensor;

/** TEMP losses for nn development. */
public final class Losses {
    private Losses() {}

    public static Tensor crossEntropy(Tensor logits, int[] target) {
        int[] s = logits.shape();
        int N = s[0], C = s[1];
        int v = (int) (logits.numel() / ((long) N * C));
        float[] l = logits.toArray();
        float[] mx = new float[N * v];
        java.util.Arrays.fill(mx, Float.NEGATIVE_INFINITY);
        for (int n = 0; n < N; n++) for (int c = 0; c < C; c++) for (int i = 0; i < v; i++)
            mx[n * v + i] = Math.max(mx[n * v + i], l[(n * C + c) * v + i]);
        float[] hot = new float[l.length];
        for (int n = 0; n < N; n++) for (int i = 0; i < v; i++) hot[(n * C + target[n * v + i]) * v + i] = 1f;
        int[] ks = s.clone(); ks[1] = 1;
        Tensor m = Tensor.of(logits.backend(), mx, ks);
        Tensor lse = Reductions.sumKeep(logits.sub(m).exp(), 1).log().add(m);
        Tensor logp = logits.sub(lse);
        return logp.mul(Tensor.of(logits.backend(), hot, s)).sum().mul(-1f / (N * v));
    }

    public static Tensor mse(Tensor a, Tensor b) { return a.sub(b).square().mean(); }
}
