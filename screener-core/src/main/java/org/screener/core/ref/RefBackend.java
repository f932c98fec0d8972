package org.screener.core.ref;

import org.screener.core.Backend;
import org.screener.core.BinaryOp;
import org.screener.core.ConvParams;
import org.screener.core.NormSpec;
import org.screener.core.OptimChecks;
import org.screener.core.Storage;
import org.screener.core.UnaryOp;

import java.util.Arrays;

/**
 * The reference backend: double precision, plain loops, single thread. It defines what every op computes;
 * gradcheck runs on it, and every fast kernel is tested against it. Never chosen by default.
 */
public final class RefBackend implements Backend {
    @Override public String name() { return "ref"; }

    @Override public Storage allocate(long n) { return new RefStorage(this, n); }

    @Override public void write(Storage dst, long off, float[] src, int so, int n) {
        double[] d = RefStorage.of(dst);
        for (int i = 0; i < n; i++) d[(int) off + i] = src[so + i];
    }

    @Override public void read(Storage src, long off, float[] dst, int dof, int n) {
        double[] s = RefStorage.of(src);
        for (int i = 0; i < n; i++) dst[dof + i] = (float) s[(int) off + i];
    }

    @Override public void writeDouble(Storage dst, long off, double[] src, int so, int n) {
        System.arraycopy(src, so, RefStorage.of(dst), (int) off, n);
    }

    @Override public void readDouble(Storage src, long off, double[] dst, int dof, int n) {
        System.arraycopy(RefStorage.of(src), (int) off, dst, dof, n);
    }

    @Override public void fill(Storage dst, long off, long n, float v) {
        Arrays.fill(RefStorage.of(dst), (int) off, (int) (off + n), v);
    }

    @Override public void copy(Storage src, long so, Storage dst, long dof, long n) {
        System.arraycopy(RefStorage.of(src), (int) so, RefStorage.of(dst), (int) dof, (int) n);
    }

    @Override public void unary(UnaryOp op, Storage x, Storage y, long n, float p0, float p1) {
        ElementwiseRef.unary(op, RefStorage.of(x), RefStorage.of(y), (int) n, p0, p1);
    }

    @Override public void unaryBackward(UnaryOp op, Storage x, Storage y, Storage gy, Storage gx, long n, float p0, float p1) {
        ElementwiseRef.unaryBackward(op, RefStorage.of(x), RefStorage.of(y), RefStorage.of(gy), RefStorage.of(gx), (int) n, p0, p1);
    }

    @Override public void binary(BinaryOp op, Storage a, int[] as, Storage b, int[] bs, Storage out, int[] os) {
        ElementwiseRef.binary(op, RefStorage.of(a), as, RefStorage.of(b), bs, RefStorage.of(out), os);
    }

    @Override public void reduceSum(Storage x, int[] xs, Storage out, int[] os) {
        ElementwiseRef.reduce(false, RefStorage.of(x), xs, RefStorage.of(out), os);
    }

    @Override public void reduceMax(Storage x, int[] xs, Storage out, int[] os) {
        ElementwiseRef.reduce(true, RefStorage.of(x), xs, RefStorage.of(out), os);
    }

    @Override public void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, Storage a, long ao, int lda,
                               Storage b, long bo, int ldb, float beta, Storage c, long co, int ldc) {
        GemmRef.gemm(ta, tb, m, n, k, alpha, RefStorage.of(a), (int) ao, lda, RefStorage.of(b), (int) bo, ldb,
                beta, RefStorage.of(c), (int) co, ldc);
    }

    @Override public void conv3dForward(ConvParams p, Storage x, Storage w, Storage bias, Storage y) {
        Conv3dRef.forward(p, RefStorage.of(x), RefStorage.of(w), RefStorage.of(bias), RefStorage.of(y));
    }

    @Override public void conv3dBackwardData(ConvParams p, Storage gy, Storage w, Storage gx) {
        Conv3dRef.backwardData(p, RefStorage.of(gy), RefStorage.of(w), RefStorage.of(gx));
    }

    @Override public void conv3dBackwardWeight(ConvParams p, Storage x, Storage gy, Storage gw, Storage gb) {
        Conv3dRef.backwardWeight(p, RefStorage.of(x), RefStorage.of(gy), RefStorage.of(gw), RefStorage.of(gb));
    }

    @Override public void avgPool3d(ConvParams p, Storage x, Storage y) {
        PoolRef.avgForward(p, RefStorage.of(x), RefStorage.of(y));
    }

    @Override public void avgPool3dBackward(ConvParams p, Storage gy, Storage gx) {
        PoolRef.avgBackward(p, RefStorage.of(gy), RefStorage.of(gx));
    }

    @Override public void maxPool3d(ConvParams p, Storage x, Storage y) {
        PoolRef.maxForward(p, RefStorage.of(x), RefStorage.of(y));
    }

    @Override public void maxPool3dBackward(ConvParams p, Storage x, Storage gy, Storage gx) {
        PoolRef.maxBackward(p, RefStorage.of(x), RefStorage.of(gy), RefStorage.of(gx));
    }

    @Override public void upsample(boolean tri, Storage x, int[] is, Storage y, int[] os) {
        UpsampleRef.forward(tri, RefStorage.of(x), is, RefStorage.of(y), os);
    }

    @Override public void upsampleBackward(boolean tri, Storage gy, int[] os, Storage gx, int[] is) {
        UpsampleRef.backward(tri, RefStorage.of(gy), os, RefStorage.of(gx), is);
    }

    @Override public void copyBox(Storage src, int[] ss, int[] sst, Storage dst, int[] ds, int[] dst0, int[] box, boolean acc) {
        IndexRef.copyBox(RefStorage.of(src), ss, sst, RefStorage.of(dst), ds, dst0, box, acc);
    }

    @Override public void permute(Storage src, int[] ss, int[] perm, Storage dst) {
        IndexRef.permute(RefStorage.of(src), ss, perm, RefStorage.of(dst));
    }

    @Override public void padReplicate(Storage src, int[] ss, int[] lo, int[] hi, Storage dst) {
        IndexRef.padReplicate(RefStorage.of(src), ss, lo, hi, RefStorage.of(dst));
    }

    @Override public void padReplicateBackward(Storage gdst, int[] ss, int[] lo, int[] hi, Storage gsrc) {
        IndexRef.padReplicateBackward(RefStorage.of(gdst), ss, lo, hi, RefStorage.of(gsrc));
    }

    @Override public void gatherVoxels(Storage x, int n, int c, long v, Storage index, int m, Storage out) {
        IndexRef.gatherVoxels(RefStorage.of(x), n, c, v, RefIntStorage.of(index), m, RefStorage.of(out));
    }

    @Override public void scatterAddVoxels(Storage g, int n, int c, long v, Storage index, int m, Storage gx) {
        IndexRef.scatterAddVoxels(RefStorage.of(g), n, c, v, RefIntStorage.of(index), m, RefStorage.of(gx));
    }

    // ---- optimizer updates and the gradient norm (Optimizer, GradClip) ----
    @Override public void sgdUpdate(Storage w, Storage g, Storage buf, long n, double lr, double momentum, double dampening,
                                    double weightDecay, boolean nesterov, boolean firstStep) {
        OptimChecks.sgd(w, g, buf, n, momentum);
        OptimRef.sgd(RefStorage.of(w), RefStorage.of(g), momentum != 0 ? RefStorage.of(buf) : null, (int) n, lr, momentum, dampening,
                weightDecay, nesterov, firstStep);
    }

    @Override public void adamUpdate(Storage w, Storage g, Storage m, Storage v, long n, double lr, double beta1, double beta2,
                                     double eps, double weightDecay, boolean decoupled, double biasCorrection1,
                                     double biasCorrection2) {
        OptimChecks.adam(w, g, m, v, n, biasCorrection1, biasCorrection2);
        OptimRef.adam(RefStorage.of(w), RefStorage.of(g), RefStorage.of(m), RefStorage.of(v), (int) n, lr, beta1, beta2, eps, weightDecay, decoupled,
                biasCorrection1, biasCorrection2);
    }

    @Override public double sumSquares(Storage[] xs, long[] lengths) {
        OptimChecks.sumSquares(xs, lengths);
        double[][] a = new double[xs.length][];
        for (int k = 0; k < xs.length; k++) a[k] = RefStorage.of(xs[k]);
        return OptimRef.sumSquares(a, lengths);
    }

    // ---- normalisation statistics, small dense linear algebra, max-reduction backward ----
    @Override public void normForward(NormSpec p, Storage rowMean, Storage rowM2, Storage fixedMean, Storage fixedVar,
                                      Storage gamma, Storage beta, Storage scale, Storage shift, Storage center,
                                      Storage runningMean, Storage runningVar, float momentum) {
        NormRef.forward(p, RefStorage.of(rowMean), RefStorage.of(rowM2), RefStorage.of(fixedMean), RefStorage.of(fixedVar),
                RefStorage.of(gamma), RefStorage.of(beta), RefStorage.of(scale), RefStorage.of(shift), RefStorage.of(center),
                RefStorage.of(runningMean), RefStorage.of(runningVar), momentum);
    }

    @Override public void normBackward(NormSpec p, Storage rowMean, Storage rowM2, Storage fixedMean, Storage fixedVar,
                                       Storage gamma, Storage sumG, Storage sumGC,
                                       Storage a, Storage b, Storage t, Storage dgamma, Storage dbeta) {
        NormRef.backward(p, RefStorage.of(rowMean), RefStorage.of(rowM2), RefStorage.of(fixedMean), RefStorage.of(fixedVar),
                RefStorage.of(gamma), RefStorage.of(sumG), RefStorage.of(sumGC), RefStorage.of(a), RefStorage.of(b),
                RefStorage.of(t), RefStorage.of(dgamma), RefStorage.of(dbeta));
    }

    @Override public void inverseLogAbsDet(Storage a, int d, Storage scale, Storage inv, Storage logAbsDet) {
        LinalgRef.inverseLogAbsDet(RefStorage.of(a), d, scale == null ? 1 : RefStorage.of(scale)[0], RefStorage.of(inv), RefStorage.of(logAbsDet));
    }

    @Override public void firstMaxMask(Storage x, int[] xs, Storage max, int[] ms, Storage mask) {
        ElementwiseRef.firstMaxMask(RefStorage.of(x), xs, RefStorage.of(max), ms, RefStorage.of(mask));
    }

    // ---- int32 indices and counter-based random numbers ----

    @Override public Storage allocateInt(long n) { return new RefIntStorage(this, n); }

    @Override public void writeInt(Storage dst, long off, int[] src, int so, int n) {
        System.arraycopy(src, so, RefIntStorage.of(dst), (int) off, n);
    }

    @Override public void readInt(Storage src, long off, int[] dst, int dof, int n) {
        System.arraycopy(RefIntStorage.of(src), (int) off, dst, dof, n);
    }

    @Override public void oneHot(Storage index, int n, int c, long s, Storage out) {
        IndexRef.oneHot(RefIntStorage.of(index), n, c, s, RefStorage.of(out));
    }

    @Override public void randomUniform(Storage out, long n, long seed, long offset, float lo, float hi) {
        RandomRef.uniform(RefStorage.of(out), n, seed, offset, lo, hi);
    }

    @Override public void randomNormal(Storage out, long n, long seed, long offset, float mean, float std) {
        RandomRef.normal(RefStorage.of(out), n, seed, offset, mean, std);
    }

    // ---- lifetime: uninitialised allocation ----

    /**
     * NaN-filled: the reference defines each op, so an op that reads an output buffer it never wrote (relying
     * on zeros that only allocate() promises) turns its gradcheck and CPU-vs-reference tests into NaN failures.
     */
    @Override public Storage allocateUninitialized(long n) {
        RefStorage s = new RefStorage(this, n);
        Arrays.fill(RefStorage.of(s), Double.NaN);
        return s;
    }

    // ---- fused-kernel extensions ----
}
