package org.screener.core.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * {@link DensityCpu}'s block primitives with the Vector API, vectors along the voxels. The dense layer keeps a
 * 4-row × 2-vector tile of the output in registers (the shape the GEMM kernel measured best with JDK 17's C2 at
 * 512 bits; 6 rows × 2 vectors at 256 bits, see SIX_ROWS) and fuses bias and ReLU into its store. Loaded only when jdk.incubator.vector is present.
 */
final class DensityCpuVector implements DensityCpu.Kernel {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;   // the GEMM's species: never mix two
    private static final int L = S.length();
    // 256-bit vectors (AVX2: 16 registers) take a 6-row tile, 12 accumulators instead of 8: two FMA pipes of
    // 4-cycle latency need 8 in flight, so 4 rows left no slack, and 6 rows amortise the two x loads over more
    // FMAs (JMH glow, 2 threads, -XX:UseAVX=2 on a Zen 4: cpu-small 67-73 -> 41-46 ms in every fork; paper is
    // bimodal by JIT outcome in both, 617-1370 -> 532-555 ms, with one fork of 2947). At 512 bits the 6-row tile
    // measured no better (cpu-small 20 -> 24 ms), so the 4-row one stays there.
    private static final boolean SIX_ROWS = L <= 8;
    private static final FloatVector TWO = FloatVector.broadcast(S, 2f), ONE = FloatVector.broadcast(S, 1f), ZERO = FloatVector.zero(S);

    /** Voxels a dense tile spans; the block size must be a multiple of it. */
    int tile() { return 2 * L; }

    @Override public void dense(float[] w, float[] bias, int p, int k, float[] x, int xOff, float[] y, int b, boolean relu) {
        // The tile's stores stay in this method: vectors passed to a helper that C2 did not inline were boxed
        // (64×64 by 64 voxels, one thread: 4.5 GFLOP/s with a store helper, 105 without; plain loops 4-5).
        FloatVector lo = relu ? ZERO : FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
        int i = SIX_ROWS ? dense6(w, bias, p, k, x, xOff, y, b, lo) : 0;
        for (; i + 4 <= p; i += 4) {
            int w0 = i * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k;
            FloatVector b0 = bias(bias, i), b1 = bias(bias, i + 1), b2 = bias(bias, i + 2), b3 = bias(bias, i + 3);
            for (int v = 0; v < b; v += 2 * L) {
                FloatVector c00 = b0, c01 = b0, c10 = b1, c11 = b1, c20 = b2, c21 = b2, c30 = b3, c31 = b3;
                for (int kk = 0, xo = xOff + v; kk < k; kk++, xo += b) {
                    FloatVector x0 = FloatVector.fromArray(S, x, xo), x1 = FloatVector.fromArray(S, x, xo + L);
                    FloatVector a = FloatVector.broadcast(S, w[w0 + kk]);
                    c00 = x0.fma(a, c00);
                    c01 = x1.fma(a, c01);
                    a = FloatVector.broadcast(S, w[w1 + kk]);
                    c10 = x0.fma(a, c10);
                    c11 = x1.fma(a, c11);
                    a = FloatVector.broadcast(S, w[w2 + kk]);
                    c20 = x0.fma(a, c20);
                    c21 = x1.fma(a, c21);
                    a = FloatVector.broadcast(S, w[w3 + kk]);
                    c30 = x0.fma(a, c30);
                    c31 = x1.fma(a, c31);
                }
                int o = i * b + v;
                c00.max(lo).intoArray(y, o);
                c01.max(lo).intoArray(y, o + L);
                c10.max(lo).intoArray(y, o + b);
                c11.max(lo).intoArray(y, o + b + L);
                c20.max(lo).intoArray(y, o + 2 * b);
                c21.max(lo).intoArray(y, o + 2 * b + L);
                c30.max(lo).intoArray(y, o + 3 * b);
                c31.max(lo).intoArray(y, o + 3 * b + L);
            }
        }
        for (; i < p; i++) {
            int w0 = i * k;
            FloatVector b0 = bias(bias, i);
            for (int v = 0; v < b; v += 2 * L) {
                FloatVector c0 = b0, c1 = b0;
                for (int kk = 0, xo = xOff + v; kk < k; kk++, xo += b) {
                    FloatVector a = FloatVector.broadcast(S, w[w0 + kk]);
                    c0 = FloatVector.fromArray(S, x, xo).fma(a, c0);
                    c1 = FloatVector.fromArray(S, x, xo + L).fma(a, c1);
                }
                c0.max(lo).intoArray(y, i * b + v);
                c1.max(lo).intoArray(y, i * b + v + L);
            }
        }
    }

    /**
     * Rows [0, returned) of {@link #dense} in 6-row tiles, leaving a multiple of 4 rows where p is one (so the
     * 4-row tile, not the 1-row loop, takes the rest). A method of its own: with both tiles in dense() C2 compiled
     * it worse (paper at 256 bits 1070 ms instead of 532-555).
     */
    private static int dense6(float[] w, float[] bias, int p, int k, float[] x, int xOff, float[] y, int b, FloatVector lo) {
        int i = 0, six = p / 6;
        while (six > 0 && (p - 6 * six) % 4 != p % 4) six--;
        for (; i < 6 * six; i += 6) {
            int w0 = i * k, w1 = w0 + k, w2 = w1 + k, w3 = w2 + k, w4 = w3 + k, w5 = w4 + k;
            FloatVector b0 = bias(bias, i), b1 = bias(bias, i + 1), b2 = bias(bias, i + 2), b3 = bias(bias, i + 3),
                    b4 = bias(bias, i + 4), b5 = bias(bias, i + 5);
            for (int v = 0; v < b; v += 2 * L) {
                FloatVector c00 = b0, c01 = b0, c10 = b1, c11 = b1, c20 = b2, c21 = b2, c30 = b3, c31 = b3,
                        c40 = b4, c41 = b4, c50 = b5, c51 = b5;
                for (int kk = 0, xo = xOff + v; kk < k; kk++, xo += b) {
                    FloatVector x0 = FloatVector.fromArray(S, x, xo), x1 = FloatVector.fromArray(S, x, xo + L);
                    FloatVector a = FloatVector.broadcast(S, w[w0 + kk]);
                    c00 = x0.fma(a, c00);
                    c01 = x1.fma(a, c01);
                    a = FloatVector.broadcast(S, w[w1 + kk]);
                    c10 = x0.fma(a, c10);
                    c11 = x1.fma(a, c11);
                    a = FloatVector.broadcast(S, w[w2 + kk]);
                    c20 = x0.fma(a, c20);
                    c21 = x1.fma(a, c21);
                    a = FloatVector.broadcast(S, w[w3 + kk]);
                    c30 = x0.fma(a, c30);
                    c31 = x1.fma(a, c31);
                    a = FloatVector.broadcast(S, w[w4 + kk]);
                    c40 = x0.fma(a, c40);
                    c41 = x1.fma(a, c41);
                    a = FloatVector.broadcast(S, w[w5 + kk]);
                    c50 = x0.fma(a, c50);
                    c51 = x1.fma(a, c51);
                }
                int o = i * b + v;
                c00.max(lo).intoArray(y, o);
                c01.max(lo).intoArray(y, o + L);
                c10.max(lo).intoArray(y, o + b);
                c11.max(lo).intoArray(y, o + b + L);
                c20.max(lo).intoArray(y, o + 2 * b);
                c21.max(lo).intoArray(y, o + 2 * b + L);
                c30.max(lo).intoArray(y, o + 3 * b);
                c31.max(lo).intoArray(y, o + 3 * b + L);
                c40.max(lo).intoArray(y, o + 4 * b);
                c41.max(lo).intoArray(y, o + 4 * b + L);
                c50.max(lo).intoArray(y, o + 5 * b);
                c51.max(lo).intoArray(y, o + 5 * b + L);
            }
        }
        return i;
    }

    private static FloatVector bias(float[] bias, int row) { return FloatVector.broadcast(S, bias == null ? 0f : bias[row]); }

    @Override public void affine(float[] x, int d, float[] shift, float[] scale, int b) {
        for (int c = 0; c < d; c++) {
            FloatVector sh = FloatVector.broadcast(S, shift[c]), sc = FloatVector.broadcast(S, scale[c]);
            for (int v = c * b, end = v + b; v < end; v += L)
                FloatVector.fromArray(S, x, v).add(sh).mul(sc).intoArray(x, v);
        }
    }

    @Override public void actNormCond(float[] x, int d, float[] shift, float[] logScale, float[] pc, float[] ld, int b) {
        for (int c = 0; c < d; c++) {
            FloatVector sh = FloatVector.broadcast(S, shift[c]), lsc = FloatVector.broadcast(S, logScale[c]);
            for (int v = 0; v < b; v += L) {
                int i = c * b + v;
                FloatVector ls = FloatVector.fromArray(S, pc, (d + c) * b + v).add(lsc);
                FloatVector.fromArray(S, x, i).add(sh).add(FloatVector.fromArray(S, pc, i))
                        .mul(VectorMath.exp(ls)).intoArray(x, i);
                FloatVector.fromArray(S, ld, v).add(ls).intoArray(ld, v);
            }
        }
    }

    @Override public void coupling(float[] x, int half, int rest, float[] h, float[] ld, float[] e, int b) {
        // e^(−|raw|) first (into e), then log sigmoid = min(raw, 0) − log1p(e) and sigmoid = (raw < 0 ? e : 1) / (1 + e):
        // two loops with one polynomial each (one loop with exp and log1p exceeded C2's inlining node budget)
        for (int c = 0; c < rest; c++) {
            for (int v = 0; v < b; v += L)
                VectorMath.exp(FloatVector.fromArray(S, h, c * b + v).add(TWO).abs().neg()).intoArray(e, v);
            for (int v = 0; v < b; v += L) {
                FloatVector raw = FloatVector.fromArray(S, h, c * b + v).add(TWO), ev = FloatVector.fromArray(S, e, v);
                FloatVector logSig = raw.min(ZERO).sub(VectorMath.log1p(ev));
                FloatVector sig = ONE.blend(ev, raw.compare(VectorOperators.LT, 0f)).div(ev.add(1f));
                int i = (half + c) * b + v;
                FloatVector.fromArray(S, x, i).add(FloatVector.fromArray(S, h, (rest + c) * b + v)).mul(sig).intoArray(x, i);
                FloatVector.fromArray(S, ld, v).add(logSig).intoArray(ld, v);
            }
        }
    }

    @Override public void finish(float[] x, int d, float[] ld, float constant, float[] nll, int off, int count, int b) {
        FloatVector half = FloatVector.broadcast(S, 0.5f), cst = FloatVector.broadcast(S, constant);
        int v = 0;
        for (; v + L <= count; v += L) {
            FloatVector q = ZERO;
            for (int c = 0; c < d; c++) {
                FloatVector xv = FloatVector.fromArray(S, x, c * b + v);
                q = xv.fma(xv, q);
            }
            q.mul(half).add(cst).sub(FloatVector.fromArray(S, ld, v)).intoArray(nll, off + v);
        }
        for (; v < count; v++) {
            float q = 0;
            for (int c = 0; c < d; c++) q += x[c * b + v] * x[c * b + v];
            nll[off + v] = 0.5f * q + constant - ld[v];
        }
    }
}
