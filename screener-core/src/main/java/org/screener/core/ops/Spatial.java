package org.screener.core.ops;

import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

/** TEMP separable resampling for nn development (nearest, trilinear, crop/replicate-pad). */
public final class Spatial {
    private Spatial() {}

    public static Tensor upsampleNearest(Tensor x, int f) { return upsampleNearest(x, new int[]{x.dim(2) * f, x.dim(3) * f, x.dim(4) * f}); }
    public static Tensor upsampleTrilinear(Tensor x, int f) { return upsampleTrilinear(x, new int[]{x.dim(2) * f, x.dim(3) * f, x.dim(4) * f}); }

    public static Tensor upsampleNearest(Tensor x, int[] out) {
        int[][] i0 = new int[3][], i1 = new int[3][]; float[][] w1 = new float[3][];
        for (int a = 0; a < 3; a++) {
            int in = x.dim(2 + a), o = out[a];
            i0[a] = new int[o]; i1[a] = new int[o]; w1[a] = new float[o];
            for (int j = 0; j < o; j++) i0[a][j] = i1[a][j] = Math.min(in - 1, (int) Math.floor(j * (double) in / o));
        }
        return resample(x, out, i0, i1, w1);
    }

    public static Tensor upsampleTrilinear(Tensor x, int[] out) {
        int[][] i0 = new int[3][], i1 = new int[3][]; float[][] w1 = new float[3][];
        for (int a = 0; a < 3; a++) {
            int in = x.dim(2 + a), o = out[a];
            i0[a] = new int[o]; i1[a] = new int[o]; w1[a] = new float[o];
            for (int j = 0; j < o; j++) {
                double src = Math.max(0, (j + 0.5) * in / o - 0.5);
                int f = Math.min((int) src, in - 1);
                i0[a][j] = f; i1[a][j] = Math.min(f + 1, in - 1); w1[a][j] = (float) (src - f);
            }
        }
        return resample(x, out, i0, i1, w1);
    }

    static Tensor cropOrPad(Tensor x, int[] out) {
        int[][] i0 = new int[3][], i1 = new int[3][]; float[][] w1 = new float[3][];
        for (int a = 0; a < 3; a++) {
            int in = x.dim(2 + a), o = out[a];
            i0[a] = new int[o]; i1[a] = new int[o]; w1[a] = new float[o];
            for (int j = 0; j < o; j++) i0[a][j] = i1[a][j] = Math.min(j, in - 1);
        }
        return resample(x, out, i0, i1, w1);
    }

    private static Tensor resample(Tensor x, int[] out, int[][] i0, int[][] i1, float[][] w1) {
        int[] xs = x.shape();
        int NC = xs[0] * xs[1], D = xs[2], H = xs[3], W = xs[4];
        int[] ys = {xs[0], xs[1], out[0], out[1], out[2]};
        float[] xa = x.toArray();
        float[] y = new float[NC * out[0] * out[1] * out[2]];
        apply(false, NC, D, H, W, out, i0, i1, w1, xa, y);
        Tensor t = Tensor.of(x.backend(), y, ys);
        return Autograd.record(t, "resample", new Tensor[]{x}, g -> {
            float[] gx = new float[xa.length];
            apply(true, NC, D, H, W, out, i0, i1, w1, gx, g.toArray());
            return new Tensor[]{Tensor.of(x.backend(), gx, xs)};
        });
    }

    private static void apply(boolean back, int NC, int D, int H, int W, int[] o, int[][] i0, int[][] i1, float[][] w1, float[] x, float[] y) {
        int iv = D * H * W, ov = o[0] * o[1] * o[2];
        for (int c = 0; c < NC; c++) for (int d = 0; d < o[0]; d++) for (int h = 0; h < o[1]; h++) for (int w = 0; w < o[2]; w++) {
            int yi = c * ov + (d * o[1] + h) * o[2] + w;
            double acc = 0;
            for (int a = 0; a < 2; a++) for (int b = 0; b < 2; b++) for (int e = 0; e < 2; e++) {
                float wt = (a == 0 ? 1 - w1[0][d] : w1[0][d]) * (b == 0 ? 1 - w1[1][h] : w1[1][h]) * (e == 0 ? 1 - w1[2][w] : w1[2][w]);
                if (wt == 0) continue;
                int xi = c * iv + ((a == 0 ? i0[0][d] : i1[0][d]) * H + (b == 0 ? i0[1][h] : i1[1][h])) * W + (e == 0 ? i0[2][w] : i1[2][w]);
                if (back) x[xi] += wt * y[yi]; else acc += wt * x[xi];
            }
            if (!back) y[yi] = (float) acc;
        }
    }
}
