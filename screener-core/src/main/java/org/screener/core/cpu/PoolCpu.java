package org.screener.core.cpu;

import org.screener.core.ConvParams;

import java.util.Arrays;

/**
 * Average and max pooling on float arrays, one (n, c) plane per task. The valid window range is clipped once
 * per output row/plane so the inner loops carry no bounds tests.
 */
public final class PoolCpu {
    private PoolCpu() {}

    /** First and one-past-last kernel tap k with 0 <= o*stride - pad + k*dil < in, for every output o of an axis. */
    private static int[][] taps(ConvParams p, int a) {
        int out = p.out[a], k = p.kernel[a], s = p.stride[a], pad = p.pad[a], dil = p.dilation[a], in = p.in[a];
        int[] lo = new int[out], hi = new int[out];
        for (int o = 0; o < out; o++) {
            int base = o * s - pad;
            int l = 0;
            while (l < k && base + l * dil < 0) l++;
            int h = k;
            while (h > l && base + (h - 1) * dil >= in) h--;
            lo[o] = l; hi[o] = h;
        }
        return new int[][]{lo, hi};
    }

    private static int planes(ConvParams p) { return p.n * p.cin; }

    private static int minChunk(ConvParams p) { return (int) Math.max(1, 16384 / Math.max(1, p.inVoxels())); }

    public static void avgForward(ConvParams p, float[] x, float[] y) {
        int[][] td = taps(p, 0), th = taps(p, 1), tw = taps(p, 2);
        int H = p.in[1], W = p.in[2], OD = p.out[0], OH = p.out[1], OW = p.out[2];
        int sd = p.stride[0], sh = p.stride[1], sw = p.stride[2];
        int pd = p.pad[0], ph = p.pad[1], pw = p.pad[2];
        int dd = p.dilation[0], dh = p.dilation[1], dw = p.dilation[2];
        long inVol = p.inVoxels(), outVol = p.outVoxels();
        float inv = (float) (1.0 / p.kernelVolume());
        Parallel.forRange(planes(p), minChunk(p), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) {
                int xb = (int) (pl * inVol), yb = (int) (pl * outVol);
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++) {
                        int yr = yb + (od * OH + oh) * OW;
                        for (int ow = 0; ow < OW; ow++) {
                            float s = 0f;
                            for (int kd = td[0][od]; kd < td[1][od]; kd++) {
                                int d = od * sd - pd + kd * dd;
                                for (int kh = th[0][oh]; kh < th[1][oh]; kh++) {
                                    int row = xb + (d * H + oh * sh - ph + kh * dh) * W + ow * sw - pw;
                                    for (int kw = tw[0][ow]; kw < tw[1][ow]; kw++) s += x[row + kw * dw];
                                }
                            }
                            y[yr + ow] = s * inv;
                        }
                    }
            }
        });
    }

    public static void avgBackward(ConvParams p, float[] gy, float[] gx) {
        int[][] td = taps(p, 0), th = taps(p, 1), tw = taps(p, 2);
        int H = p.in[1], W = p.in[2], OD = p.out[0], OH = p.out[1], OW = p.out[2];
        int sd = p.stride[0], sh = p.stride[1], sw = p.stride[2];
        int pd = p.pad[0], ph = p.pad[1], pw = p.pad[2];
        int dd = p.dilation[0], dh = p.dilation[1], dw = p.dilation[2];
        long inVol = p.inVoxels(), outVol = p.outVoxels();
        float inv = (float) (1.0 / p.kernelVolume());
        Parallel.forRange(planes(p), minChunk(p), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) {
                int xb = (int) (pl * inVol), yb = (int) (pl * outVol);
                Arrays.fill(gx, xb, (int) (xb + inVol), 0f);
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++) {
                        int yr = yb + (od * OH + oh) * OW;
                        for (int ow = 0; ow < OW; ow++) {
                            float g = gy[yr + ow] * inv;
                            for (int kd = td[0][od]; kd < td[1][od]; kd++) {
                                int d = od * sd - pd + kd * dd;
                                for (int kh = th[0][oh]; kh < th[1][oh]; kh++) {
                                    int row = xb + (d * H + oh * sh - ph + kh * dh) * W + ow * sw - pw;
                                    for (int kw = tw[0][ow]; kw < tw[1][ow]; kw++) gx[row + kw * dw] += g;
                                }
                            }
                        }
                    }
            }
        });
    }

    public static void maxForward(ConvParams p, float[] x, float[] y) { max(p, x, y, null, null); }

    public static void maxBackward(ConvParams p, float[] x, float[] gy, float[] gx) { max(p, x, null, gy, gx); }

    /** Forward when y != null; otherwise routes gy to each window's first argmax in gx. */
    private static void max(ConvParams p, float[] x, float[] y, float[] gy, float[] gx) {
        int[][] td = taps(p, 0), th = taps(p, 1), tw = taps(p, 2);
        int H = p.in[1], W = p.in[2], OD = p.out[0], OH = p.out[1], OW = p.out[2];
        int sd = p.stride[0], sh = p.stride[1], sw = p.stride[2];
        int pd = p.pad[0], ph = p.pad[1], pw = p.pad[2];
        int dd = p.dilation[0], dh = p.dilation[1], dw = p.dilation[2];
        long inVol = p.inVoxels(), outVol = p.outVoxels();
        Parallel.forRange(planes(p), minChunk(p), (lo, hi) -> {
            for (int pl = lo; pl < hi; pl++) {
                int xb = (int) (pl * inVol), yb = (int) (pl * outVol);
                if (gx != null) Arrays.fill(gx, xb, (int) (xb + inVol), 0f);
                for (int od = 0; od < OD; od++)
                    for (int oh = 0; oh < OH; oh++) {
                        int yr = yb + (od * OH + oh) * OW;
                        for (int ow = 0; ow < OW; ow++) {
                            int arg = -1;
                            float best = Float.NEGATIVE_INFINITY;
                            for (int kd = td[0][od]; kd < td[1][od]; kd++) {
                                int d = od * sd - pd + kd * dd;
                                for (int kh = th[0][oh]; kh < th[1][oh]; kh++) {
                                    int row = xb + (d * H + oh * sh - ph + kh * dh) * W + ow * sw - pw;
                                    for (int kw = tw[0][ow]; kw < tw[1][ow]; kw++) {
                                        int i = row + kw * dw;
                                        if (arg < 0 || x[i] > best) { best = x[i]; arg = i; }
                                    }
                                }
                            }
                            if (y != null) y[yr + ow] = arg < 0 ? 0f : best;
                            else if (arg >= 0) gx[arg] += gy[yr + ow];
                        }
                    }
            }
        });
    }
}
