package org.screener.core.cpu;

import org.screener.core.Backend;
import org.screener.core.BinaryOp;
import org.screener.core.ConvParams;
import org.screener.core.NormSpec;
import org.screener.core.OptimChecks;
import org.screener.core.Storage;
import org.screener.core.UnaryOp;

import java.util.Arrays;

/** The default backend: float32 on the heap, multi-threaded, vectorised where the Vector API is present. */
public final class CpuBackend implements Backend {
    @Override public String name() { return "cpu"; }

    /** A pooled array of length n zero-filled, else a new one (which the JVM zeroes). */
    @Override public Storage allocate(long n) {
        int len = CpuStorage.checkedLength(n);
        float[] a = CpuPool.take(len);
        if (a == null) a = new float[len];
        else fill(a, 0f);
        return new CpuStorage(this, a);
    }

    @Override public void write(Storage dst, long off, float[] src, int so, int n) {
        System.arraycopy(src, so, CpuStorage.of(dst), (int) off, n);
    }

    @Override public void read(Storage src, long off, float[] dst, int dof, int n) {
        System.arraycopy(CpuStorage.of(src), (int) off, dst, dof, n);
    }

    @Override public void fill(Storage dst, long off, long n, float v) {
        Arrays.fill(CpuStorage.of(dst), (int) off, (int) (off + n), v);
    }

    @Override public void copy(Storage src, long so, Storage dst, long dof, long n) {
        System.arraycopy(CpuStorage.of(src), (int) so, CpuStorage.of(dst), (int) dof, (int) n);
    }

    @Override public void unary(UnaryOp op, Storage x, Storage y, long n, float p0, float p1) {
        ElementwiseCpu.unary(op, CpuStorage.of(x), CpuStorage.of(y), (int) n, p0, p1);
    }

    @Override public void unaryBackward(UnaryOp op, Storage x, Storage y, Storage gy, Storage gx, long n, float p0, float p1) {
        ElementwiseCpu.unaryBackward(op, CpuStorage.of(x), CpuStorage.of(y), CpuStorage.of(gy), CpuStorage.of(gx), (int) n, p0, p1);
    }

    @Override public void binary(BinaryOp op, Storage a, int[] as, Storage b, int[] bs, Storage out, int[] os) {
        ElementwiseCpu.binary(op, CpuStorage.of(a), as, CpuStorage.of(b), bs, CpuStorage.of(out), os);
    }

    @Override public void reduceSum(Storage x, int[] xs, Storage out, int[] os) {
        ReduceCpu.reduce(false, CpuStorage.of(x), xs, CpuStorage.of(out), os);
    }

    @Override public void reduceMax(Storage x, int[] xs, Storage out, int[] os) {
        ReduceCpu.reduce(true, CpuStorage.of(x), xs, CpuStorage.of(out), os);
    }

    @Override public void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, Storage a, long ao, int lda,
                               Storage b, long bo, int ldb, float beta, Storage c, long co, int ldc) {
        GemmCpu.sgemm(ta, tb, m, n, k, alpha, CpuStorage.of(a), (int) ao, lda, CpuStorage.of(b), (int) bo, ldb,
                beta, CpuStorage.of(c), (int) co, ldc);
    }

    @Override public void conv3dForward(ConvParams p, Storage x, Storage w, Storage bias, Storage y) {
        Conv3dCpu.forward(p, CpuStorage.of(x), CpuStorage.of(w), CpuStorage.of(bias), CpuStorage.of(y));
    }

    @Override public void conv3dBackwardData(ConvParams p, Storage gy, Storage w, Storage gx) {
        Conv3dCpu.backwardData(p, CpuStorage.of(gy), CpuStorage.of(w), CpuStorage.of(gx));
    }

    @Override public void conv3dBackwardWeight(ConvParams p, Storage x, Storage gy, Storage gw, Storage gb) {
        Conv3dCpu.backwardWeight(p, CpuStorage.of(x), CpuStorage.of(gy), CpuStorage.of(gw), CpuStorage.of(gb));
    }

    @Override public void avgPool3d(ConvParams p, Storage x, Storage y) {
        PoolCpu.avgForward(p, CpuStorage.of(x), CpuStorage.of(y));
    }

    @Override public void avgPool3dBackward(ConvParams p, Storage gy, Storage gx) {
        PoolCpu.avgBackward(p, CpuStorage.of(gy), CpuStorage.of(gx));
    }

    @Override public void maxPool3d(ConvParams p, Storage x, Storage y) {
        PoolCpu.maxForward(p, CpuStorage.of(x), CpuStorage.of(y));
    }

    @Override public void maxPool3dBackward(ConvParams p, Storage x, Storage gy, Storage gx) {
        PoolCpu.maxBackward(p, CpuStorage.of(x), CpuStorage.of(gy), CpuStorage.of(gx));
    }

    @Override public void upsample(boolean tri, Storage x, int[] is, Storage y, int[] os) {
        UpsampleCpu.forward(tri, CpuStorage.of(x), is, CpuStorage.of(y), os);
    }

    @Override public void upsampleBackward(boolean tri, Storage gy, int[] os, Storage gx, int[] is) {
        UpsampleCpu.backward(tri, CpuStorage.of(gy), os, CpuStorage.of(gx), is);
    }

    @Override public void copyBox(Storage src, int[] ss, int[] sst, Storage dst, int[] ds, int[] dst0, int[] box, boolean acc) {
        IndexCpu.copyBox(CpuStorage.of(src), ss, sst, CpuStorage.of(dst), ds, dst0, box, acc);
    }

    @Override public void permute(Storage src, int[] ss, int[] perm, Storage dst) {
        IndexCpu.permute(CpuStorage.of(src), ss, perm, CpuStorage.of(dst));
    }

    @Override public void padReplicate(Storage src, int[] ss, int[] lo, int[] hi, Storage dst) {
        IndexCpu.padReplicate(CpuStorage.of(src), ss, lo, hi, CpuStorage.of(dst));
    }

    @Override public void padReplicateBackward(Storage gdst, int[] ss, int[] lo, int[] hi, Storage gsrc) {
        IndexCpu.padReplicateBackward(CpuStorage.of(gdst), ss, lo, hi, CpuStorage.of(gsrc));
    }

    @Override public void gatherVoxels(Storage x, int n, int c, long v, Storage index, int m, Storage out) {
        IndexCpu.gatherVoxels(CpuStorage.of(x), n, c, v, CpuIntStorage.of(index), m, CpuStorage.of(out));
    }

    @Override public void scatterAddVoxels(Storage g, int n, int c, long v, Storage index, int m, Storage gx) {
        IndexCpu.scatterAddVoxels(CpuStorage.of(g), n, c, v, CpuIntStorage.of(index), m, CpuStorage.of(gx));
    }

    @Override public void rowMoments(Storage x, int rows, int cols, Storage mean, Storage m2) {
        NormCpu.rowMoments(CpuStorage.of(x), rows, cols, CpuStorage.of(mean), CpuStorage.of(m2));
    }

    @Override public void rowDots(Storage a, Storage b, Storage center, int rows, int cols, Storage sum, Storage dot) {
        NormCpu.rowDots(CpuStorage.of(a), CpuStorage.of(b), CpuStorage.of(center), rows, cols, CpuStorage.of(sum), CpuStorage.of(dot));
    }

    @Override public void rowAffine(Storage a, Storage scaleA, Storage b, Storage scaleB, Storage shift, int rows, int cols,
                                    Storage out) {
        NormCpu.rowAffine(CpuStorage.of(a), CpuStorage.of(scaleA), CpuStorage.of(b), CpuStorage.of(scaleB),
                CpuStorage.of(shift), rows, cols, CpuStorage.of(out));
    }

    // ---- optimizer updates and the gradient norm (Optimizer, GradClip) ----
    @Override public void sgdUpdate(Storage w, Storage g, Storage buf, long n, double lr, double momentum, double dampening,
                                    double weightDecay, boolean nesterov, boolean firstStep) {
        OptimChecks.sgd(w, g, buf, n, momentum);
        OptimCpu.sgd(CpuStorage.of(w), CpuStorage.of(g), momentum != 0 ? CpuStorage.of(buf) : null, (int) n, lr, momentum, dampening,
                weightDecay, nesterov, firstStep);
    }

    @Override public void adamUpdate(Storage w, Storage g, Storage m, Storage v, long n, double lr, double beta1, double beta2,
                                     double eps, double weightDecay, boolean decoupled, double biasCorrection1,
                                     double biasCorrection2) {
        OptimChecks.adam(w, g, m, v, n, biasCorrection1, biasCorrection2);
        OptimCpu.adam(CpuStorage.of(w), CpuStorage.of(g), CpuStorage.of(m), CpuStorage.of(v), (int) n, lr, beta1, beta2, eps, weightDecay, decoupled,
                biasCorrection1, biasCorrection2);
    }

    @Override public double sumSquares(Storage[] xs, long[] lengths) {
        OptimChecks.sumSquares(xs, lengths);
        float[][] a = new float[xs.length][];
        for (int k = 0; k < xs.length; k++) a[k] = CpuStorage.of(xs[k]);
        return OptimCpu.sumSquares(a, lengths);
    }

    // ---- normalisation statistics, small dense linear algebra, max-reduction backward ----
    @Override public void normForward(NormSpec p, Storage rowMean, Storage rowM2, Storage fixedMean, Storage fixedVar,
                                      Storage gamma, Storage beta, Storage scale, Storage shift, Storage center,
                                      Storage runningMean, Storage runningVar, float momentum) {
        NormCpu.normForward(p, CpuStorage.of(rowMean), CpuStorage.of(rowM2), CpuStorage.of(fixedMean), CpuStorage.of(fixedVar),
                CpuStorage.of(gamma), CpuStorage.of(beta), CpuStorage.of(scale), CpuStorage.of(shift), CpuStorage.of(center),
                CpuStorage.of(runningMean), CpuStorage.of(runningVar), momentum);
    }

    @Override public void normBackward(NormSpec p, Storage rowMean, Storage rowM2, Storage fixedMean, Storage fixedVar,
                                       Storage gamma, Storage sumG, Storage sumGC,
                                       Storage a, Storage b, Storage t, Storage dgamma, Storage dbeta) {
        NormCpu.normBackward(p, CpuStorage.of(rowMean), CpuStorage.of(rowM2), CpuStorage.of(fixedMean), CpuStorage.of(fixedVar),
                CpuStorage.of(gamma), CpuStorage.of(sumG), CpuStorage.of(sumGC), CpuStorage.of(a), CpuStorage.of(b),
                CpuStorage.of(t), CpuStorage.of(dgamma), CpuStorage.of(dbeta));
    }

    @Override public void inverseLogAbsDet(Storage a, int d, Storage scale, Storage inv, Storage logAbsDet) {
        LinalgCpu.inverseLogAbsDet(CpuStorage.of(a), d, CpuStorage.of(scale), CpuStorage.of(inv), CpuStorage.of(logAbsDet));
    }

    @Override public void firstMaxMask(Storage x, int[] xs, Storage max, int[] ms, Storage mask) {
        ReduceCpu.firstMaxMask(CpuStorage.of(x), xs, CpuStorage.of(max), ms, CpuStorage.of(mask));
    }

    // ---- int32 indices and counter-based random numbers ----

    @Override public Storage allocateInt(long n) { return new CpuIntStorage(this, n); }

    @Override public void writeInt(Storage dst, long off, int[] src, int so, int n) {
        System.arraycopy(src, so, CpuIntStorage.of(dst), (int) off, n);
    }

    @Override public void readInt(Storage src, long off, int[] dst, int dof, int n) {
        System.arraycopy(CpuIntStorage.of(src), (int) off, dst, dof, n);
    }

    @Override public void oneHot(Storage index, int n, int c, long s, Storage out) {
        IndexCpu.oneHot(CpuIntStorage.of(index), n, c, s, CpuStorage.of(out));
    }

    @Override public void randomUniform(Storage out, long n, long seed, long offset, float lo, float hi) {
        RandomCpu.uniform(CpuStorage.of(out), n, seed, offset, lo, hi);
    }

    @Override public void randomNormal(Storage out, long n, long seed, long offset, float mean, float std) {
        RandomCpu.normal(CpuStorage.of(out), n, seed, offset, mean, std);
    }

    // ---- lifetime: uninitialised allocation ----

    /**
     * Test switch: with {@code -Dscreener.cpu.poisonUninitialized=true} every uninitialised allocation is
     * filled with NaN, so an op that reads an output it did not write (or accumulates into one) fails its tests
     * instead of depending on what the pool last held. Off by default: it costs the memset it exists to save.
     */
    static final boolean POISON = Boolean.getBoolean("screener.cpu.poisonUninitialized");

    /** A pooled array of exactly length n with its old contents when one is free, else a new one. */
    @Override public Storage allocateUninitialized(long n) {
        int len = CpuStorage.checkedLength(n);
        float[] a = CpuPool.take(len);
        if (a == null) a = new float[len];
        if (POISON) fill(a, Float.NaN);
        return new CpuStorage(this, a);
    }

    /** Large fills in parallel: one thread's memset of a 100 MB activation is most of what pooling saves. */
    private static void fill(float[] a, float v) {
        if (a.length < (1 << 20)) Arrays.fill(a, v);
        else Parallel.forRange(a.length, 1 << 18, (lo, hi) -> Arrays.fill(a, lo, hi, v));
    }

    /** Counters of the CPU array pool (shared by every CpuBackend of the JVM). */
    public record PoolStats(long hits, long misses, long released, long dropped, long bytesHeld, int arraysHeld, long capacityBytes) {}

    public static PoolStats poolStats() { return CpuPool.stats(); }

    /** Empties the pool and resets its counters (tests and benchmarks). */
    public static void clearPool() { CpuPool.clear(); }

    /** Sets the pool's capacity in bytes (0: no pooling); returns the previous capacity. */
    public static long setPoolCapacity(long bytes) { return CpuPool.capacity(bytes); }

    // ---- fused-kernel extensions ----

    /** {@link org.screener.core.ext.DensityExtension}: {@link DensityCpu} (the fused Glow and Gaussian NLLs). */
    @Override public <T> T extension(Class<T> type) {
        return type == org.screener.core.ext.DensityExtension.class ? type.cast(DensityCpu.INSTANCE) : null;
    }
}
