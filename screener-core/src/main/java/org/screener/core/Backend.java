package org.screener.core;

/**
 * The kernels a compute backend provides. The list is short and closed: every differentiable op in
 * {@code org.screener.core.ops} is built from these, forward and backward, so a new backend (CUDA) only has
 * to implement this interface. All data is contiguous row-major; shapes are passed alongside storages.
 *
 * <p>Conventions: "out" storages are fully overwritten unless a method says it accumulates; shapes are
 * {@code int[]} of rank at most 5 (NCDHW for volumes). Offsets and lengths are in elements.
 *
 * <p>Where each op lives: the fast CPU code is {@code org.screener.core.cpu.<Op>Cpu}, the plain double
 * precision reference is {@code org.screener.core.ref.<Op>Ref}, the CUDA code is
 * {@code org.screener.cuda.<Op>Cuda}, and the test is {@code <Op>Test}.
 */
public interface Backend {
    /** Short name used to select it: "cpu", "ref", "cuda". */
    String name();

    // ---- storage -------------------------------------------------------------------------------------

    /** A zero-filled buffer of n elements. */
    Storage allocate(long n);

    void write(Storage dst, long dstOffset, float[] src, int srcOffset, int n);

    void read(Storage src, long srcOffset, float[] dst, int dstOffset, int n);

    /** Double-precision access; backends that store float round. Used by gradcheck on the reference backend. */
    default void writeDouble(Storage dst, long dstOffset, double[] src, int srcOffset, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) src[srcOffset + i];
        write(dst, dstOffset, f, 0, n);
    }

    default void readDouble(Storage src, long srcOffset, double[] dst, int dstOffset, int n) {
        float[] f = new float[n];
        read(src, srcOffset, f, 0, n);
        for (int i = 0; i < n; i++) dst[dstOffset + i] = f[i];
    }

    void fill(Storage dst, long offset, long n, float value);

    void copy(Storage src, long srcOffset, Storage dst, long dstOffset, long n);

    // ---- elementwise -----------------------------------------------------------------------------------

    /** y = op(x) over n elements (see {@link UnaryOp} for p0, p1). */
    void unary(UnaryOp op, Storage x, Storage y, long n, float p0, float p1);

    /** gx = gy * op'(x) over n elements; y = op(x) is given for ops whose derivative is cheaper from it. */
    void unaryBackward(UnaryOp op, Storage x, Storage y, Storage gy, Storage gx, long n, float p0, float p1);

    /** out = a op b with numpy broadcasting; all three shapes have the rank of outShape (1-padded on the left). */
    void binary(BinaryOp op, Storage a, int[] aShape, Storage b, int[] bShape, Storage out, int[] outShape);

    /**
     * Sum of x over the axes where outShape is 1 and xShape is not (outShape has x's rank, keep-dims form).
     * This is also the backward of broadcasting.
     */
    void reduceSum(Storage x, int[] xShape, Storage out, int[] outShape);

    /** Max of x over the axes where outShape is 1 and xShape is not (keep-dims form). */
    void reduceMax(Storage x, int[] xShape, Storage out, int[] outShape);

    // ---- linear algebra --------------------------------------------------------------------------------

    /**
     * C = alpha * op(A) * op(B) + beta * C, row-major, op(X) = X or X^T. A is m×k after op, B k×n, C m×n;
     * lda/ldb/ldc are row strides of the stored (untransposed) matrices.
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha,
              Storage a, long aOffset, int lda, Storage b, long bOffset, int ldb,
              float beta, Storage c, long cOffset, int ldc);

    // ---- convolution -----------------------------------------------------------------------------------

    /** y = conv3d(x, w) + bias (bias may be null). x: p.inputShape(), w: p.weightShape(), y: p.outputShape(). */
    void conv3dForward(ConvParams p, Storage x, Storage w, Storage bias, Storage y);

    /** gx = gradient of conv3d w.r.t. its input (overwrites gx). Also the forward of transposed conv. */
    void conv3dBackwardData(ConvParams p, Storage gy, Storage w, Storage gx);

    /** gw = gradient w.r.t. the weight (overwrites); gb = gradient w.r.t. the bias if gb is not null. */
    void conv3dBackwardWeight(ConvParams p, Storage x, Storage gy, Storage gw, Storage gb);

    // ---- pooling and resampling ------------------------------------------------------------------------

    /** Average pooling, windows described by p (cin == cout); padded cells count as zeros (count_include_pad). */
    void avgPool3d(ConvParams p, Storage x, Storage y);

    void avgPool3dBackward(ConvParams p, Storage gy, Storage gx);

    /** Max pooling; padded cells never win. */
    void maxPool3d(ConvParams p, Storage x, Storage y);

    /** Routes gy to the argmax of each window (first max wins ties), accumulating into a zeroed gx. */
    void maxPool3dBackward(ConvParams p, Storage x, Storage gy, Storage gx);

    /**
     * Resize the spatial axes of an NCDHW tensor from inShape to outShape. Nearest uses floor(o * in / out);
     * trilinear uses align_corners=false (PyTorch's default), clamping at the borders.
     */
    void upsample(boolean trilinear, Storage x, int[] inShape, Storage y, int[] outShape);

    void upsampleBackward(boolean trilinear, Storage gy, int[] outShape, Storage gx, int[] inShape);

    // ---- indexing and layout ---------------------------------------------------------------------------

    /**
     * Copy a box of shape {@code box} from src (at srcStart) into dst (at dstStart); all of the same rank.
     * With accumulate, adds into dst instead of overwriting. Slice, concat, zero pad and crop use this.
     */
    void copyBox(Storage src, int[] srcShape, int[] srcStart, Storage dst, int[] dstShape, int[] dstStart,
                 int[] box, boolean accumulate);

    /** dst = src with axes permuted: dst axis i is src axis perm[i]. */
    void permute(Storage src, int[] srcShape, int[] perm, Storage dst);

    /** Replicate (edge) padding of the last three axes: padLo/padHi per spatial axis (D, H, W). */
    void padReplicate(Storage src, int[] srcShape, int[] padLo, int[] padHi, Storage dst);

    void padReplicateBackward(Storage gdst, int[] srcShape, int[] padLo, int[] padHi, Storage gsrc);

    /**
     * Feature vectors at voxels: x is (N, C, V) with V spatial positions flattened; index is an int32 storage
     * (see {@link #allocateInt}) of at least m elements with index[i] = n * V + v. out is (M, C). Indices are
     * range-checked by the caller where that costs no host read ({@link IndexTensor}); the CPU and reference
     * kernels check again and throw IllegalArgumentException, a device kernel need not.
     */
    void gatherVoxels(Storage x, int n, int c, long v, Storage index, int m, Storage out);

    /** gx[n, :, v] += g[i, :] for index[i] = n * V + v, i < m (the backward of gatherVoxels; repeated indices add). */
    void scatterAddVoxels(Storage g, int n, int c, long v, Storage index, int m, Storage gx);

    // ---- normalisation helpers on a contiguous (rows, cols) matrix -------------------------------------
    // Group/instance/batch/layer norm are built from these three so a backend can fuse each into one or two
    // passes over memory. The defaults compose the kernels above (correct everywhere, but several passes).

    /** mean[r] = Σ_j x[r,j] / cols and m2[r] = Σ_j (x[r,j] − mean[r])² for each row. */
    default void rowMoments(Storage x, int rows, int cols, Storage mean, Storage m2) {
        int[] xs = {rows, cols}, os = {rows, 1};
        reduceSum(x, xs, mean, os);
        double[] m = new double[rows];
        readDouble(mean, 0, m, 0, rows);
        for (int r = 0; r < rows; r++) m[r] /= cols;
        writeDouble(mean, 0, m, 0, rows);
        Storage d = allocate((long) rows * cols);
        binary(BinaryOp.SUB, x, xs, mean, os, d, xs);
        binary(BinaryOp.MUL, d, xs, d, xs, d, xs);
        reduceSum(d, xs, m2, os);
    }

    /** sum[r] = Σ_j a[r,j] and dot[r] = Σ_j a[r,j]·(b[r,j] − center[r]) for each row (center null: 0). */
    default void rowDots(Storage a, Storage b, Storage center, int rows, int cols, Storage sum, Storage dot) {
        int[] xs = {rows, cols}, os = {rows, 1};
        reduceSum(a, xs, sum, os);
        Storage t = allocate((long) rows * cols);
        if (center != null) {
            binary(BinaryOp.SUB, b, xs, center, os, t, xs);
            binary(BinaryOp.MUL, a, xs, t, xs, t, xs);
        } else {
            binary(BinaryOp.MUL, a, xs, b, xs, t, xs);
        }
        reduceSum(t, xs, dot, os);
    }

    /**
     * out[r,j] = scaleA[r]·a[r,j] + scaleB[r]·b[r,j] + shift[r]; b/scaleB and shift may be null. out may be a
     * or b.
     */
    default void rowAffine(Storage a, Storage scaleA, Storage b, Storage scaleB, Storage shift, int rows, int cols,
                           Storage out) {
        int[] xs = {rows, cols}, os = {rows, 1};
        Storage t = allocate((long) rows * cols);
        binary(BinaryOp.MUL, a, xs, scaleA, os, t, xs);
        if (b != null) {
            Storage u = allocate((long) rows * cols);
            binary(BinaryOp.MUL, b, xs, scaleB, os, u, xs);
            binary(BinaryOp.ADD, t, xs, u, xs, t, xs);
        }
        if (shift != null) binary(BinaryOp.ADD, t, xs, shift, os, t, xs);
        copy(t, 0, out, 0, (long) rows * cols);
    }

    // ---- optimizer updates and the gradient norm (Optimizer, GradClip) [H1] ----
    // (end of H1)

    // ---- normalisation statistics, small dense linear algebra, max-reduction backward [H2] ----
    // (end of H2)

    // ---- int32 indices and counter-based random numbers [H3] ----

    /**
     * A zero-filled buffer of n int32 elements (gather/scatter indices, class targets). It is a {@link Storage}
     * of this backend, but float kernels reject it (and int kernels reject float storage) with an
     * IllegalArgumentException.
     */
    default Storage allocateInt(long n) {
        throw new UnsupportedOperationException("backend " + name() + " has no int32 storage (allocateInt)");
    }

    default void writeInt(Storage dst, long dstOffset, int[] src, int srcOffset, int n) {
        throw new UnsupportedOperationException("backend " + name() + " has no int32 storage (writeInt)");
    }

    default void readInt(Storage src, long srcOffset, int[] dst, int dstOffset, int n) {
        throw new UnsupportedOperationException("backend " + name() + " has no int32 storage (readInt)");
    }

    /**
     * One-hot mask of class targets: out is (N, C, S) and is overwritten with
     * out[(b·C + t)·S + s] = 1 where t = index[b·S + s], zero elsewhere, for the N·S int32 targets in index
     * (each in [0, C)). crossEntropy's mask. The default reads the targets to the host (correct everywhere, one
     * read per call); CPU and reference override it.
     */
    default void oneHot(Storage index, int n, int c, long s, Storage out) {
        long items = (long) n * s;
        int[] t = new int[Math.toIntExact(items)];
        readInt(index, 0, t, 0, t.length);
        float[] m = new float[Math.toIntExact(items * c)];
        for (int i = 0; i < t.length; i++) {
            if (t[i] < 0 || t[i] >= c)
                throw new IllegalArgumentException("oneHot: index[" + i + "] = " + t[i] + " outside [0, " + c + ")");
            long b = i / s, sp = i - b * s;
            m[(int) ((b * c + t[i]) * s + sp)] = 1f;
        }
        write(out, 0, m, 0, m.length);
    }

    /**
     * Counter-based uniform numbers: out[i] = U(seed, offset + i) in [lo, hi) for i in [0, n), see
     * {@link Philox} for the exact definition (Philox4x32-10 keyed by the seed; element j = offset + i reads word
     * j mod 4 of the block at counter (j / 4, tag 0)). Every element depends only on (seed, offset + i), so the
     * numbers are the same on every backend, for every thread count, and for any split of a request into calls
     * with consecutive offsets. The default computes on the host and writes (one transfer); backends override.
     */
    default void randomUniform(Storage out, long n, long seed, long offset, float lo, float hi) {
        Philox.checkUniform(n, offset, lo, hi);
        float[] buf = new float[(int) Math.min(n, 1 << 16)];
        for (long done = 0; done < n; done += buf.length) {
            int k = (int) Math.min(buf.length, n - done);
            for (int i = 0; i < k; i++) buf[i] = Philox.uniform(seed, offset + done + i, lo, hi);
            write(out, done, buf, 0, k);
        }
    }

    /**
     * Counter-based normal numbers: out[i] = N(seed, offset + i) with the given mean and standard deviation,
     * by Box–Muller in double from the words of the block at counter (j / 4, tag 1); see {@link Philox} for the
     * exact definition (only IEEE +, −, ×, ÷ and sqrt, so a device kernel reproduces it bit for bit). Same
     * guarantees as {@link #randomUniform}. The default computes on the host and writes (one transfer).
     */
    default void randomNormal(Storage out, long n, long seed, long offset, float mean, float std) {
        Philox.checkNormal(n, offset, mean, std);
        float[] buf = new float[(int) Math.min(n, 1 << 16)];
        for (long done = 0; done < n; done += buf.length) {
            int k = (int) Math.min(buf.length, n - done);
            for (int i = 0; i < k; i++) buf[i] = Philox.normal(seed, offset + done + i, mean, std);
            write(out, done, buf, 0, k);
        }
    }
    // (end of H3)

    // ---- lifetime: uninitialised allocation [H4] ----
    // (end of H4)

    // ---- fused-kernel extensions [H5] ----
    // (end of H5)
}
