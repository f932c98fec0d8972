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

    /** A zero-filled buffer of n elements (see {@link #allocateUninitialized} for outputs that are overwritten). */
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

    /** Routes gy to the argmax of each window (first max wins ties), zeroing gx first (it may be uninitialised). */
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

    // ---- optimizer updates and the gradient norm (Optimizer, GradClip) ----
    // The optimizers and the global gradient norm run here so that a training step never reads a parameter,
    // gradient or optimizer state to the host. The defaults compose the kernels above in float (correct on any
    // backend, several passes, a few temporaries of n elements); CpuBackend computes each element in double with
    // the formulas the optimizers always used, so training results do not depend on this move.

    /**
     * One SGD step in place, as PyTorch's: g' = g + wd·w; with momentum buf = g' on the first step, else
     * buf = μ·buf + (1 − dampening)·g'; then g' = g' + μ·buf with Nesterov, else buf; w −= lr·g'.
     * buf is null (and ignored) when momentum is 0. g is not modified.
     */
    default void sgdUpdate(Storage w, Storage g, Storage buf, long n, double lr, double momentum, double dampening,
                           double weightDecay, boolean nesterov, boolean firstStep) {
        OptimChecks.sgd(w, g, buf, n, momentum);
        int[] s = {Math.toIntExact(n)};
        Storage d = allocate(n);
        if (weightDecay != 0) {
            unary(UnaryOp.MUL_SCALAR, w, d, n, (float) weightDecay, 0f);
            binary(BinaryOp.ADD, g, s, d, s, d, s);
        } else {
            copy(g, 0, d, 0, n);
        }
        if (momentum != 0) {
            if (firstStep) {
                copy(d, 0, buf, 0, n);
            } else {
                Storage t = allocate(n);
                unary(UnaryOp.MUL_SCALAR, buf, buf, n, (float) momentum, 0f);
                unary(UnaryOp.MUL_SCALAR, d, t, n, (float) (1 - dampening), 0f);
                binary(BinaryOp.ADD, buf, s, t, s, buf, s);
            }
            if (nesterov) {
                Storage t = allocate(n);
                unary(UnaryOp.MUL_SCALAR, buf, t, n, (float) momentum, 0f);
                binary(BinaryOp.ADD, d, s, t, s, d, s);
            } else {
                copy(buf, 0, d, 0, n);
            }
        }
        unary(UnaryOp.MUL_SCALAR, d, d, n, (float) lr, 0f);
        binary(BinaryOp.SUB, w, s, d, s, w, s);
    }

    /**
     * One Adam step in place. Decoupled (AdamW): w −= lr·wd·w first; otherwise g' = g + wd·w (L2). Then
     * m = β1·m + (1−β1)·g'; v = β2·v + (1−β2)·g'²; w −= lr·(m / biasCorrection1) / (sqrt(v / biasCorrection2) + eps),
     * where the caller passes biasCorrection_i = 1 − β_i^t for step t. g is not modified.
     */
    default void adamUpdate(Storage w, Storage g, Storage m, Storage v, long n, double lr, double beta1, double beta2,
                            double eps, double weightDecay, boolean decoupled, double biasCorrection1,
                            double biasCorrection2) {
        OptimChecks.adam(w, g, m, v, n, biasCorrection1, biasCorrection2);
        int[] s = {Math.toIntExact(n)};
        Storage d = allocate(n), t = allocate(n);
        if (decoupled) {
            if (weightDecay != 0) unary(UnaryOp.MUL_SCALAR, w, w, n, (float) (1 - lr * weightDecay), 0f);
            copy(g, 0, d, 0, n);
        } else if (weightDecay != 0) {
            unary(UnaryOp.MUL_SCALAR, w, d, n, (float) weightDecay, 0f);
            binary(BinaryOp.ADD, g, s, d, s, d, s);
        } else {
            copy(g, 0, d, 0, n);
        }
        unary(UnaryOp.MUL_SCALAR, m, m, n, (float) beta1, 0f);
        unary(UnaryOp.MUL_SCALAR, d, t, n, (float) (1 - beta1), 0f);
        binary(BinaryOp.ADD, m, s, t, s, m, s);
        unary(UnaryOp.SQUARE, d, t, n, 0f, 0f);
        unary(UnaryOp.MUL_SCALAR, t, t, n, (float) (1 - beta2), 0f);
        unary(UnaryOp.MUL_SCALAR, v, v, n, (float) beta2, 0f);
        binary(BinaryOp.ADD, v, s, t, s, v, s);
        // d = sqrt(v / bc2) + eps, t = m · lr / bc1, w −= t / d
        unary(UnaryOp.MUL_SCALAR, v, d, n, (float) (1 / biasCorrection2), 0f);
        unary(UnaryOp.SQRT, d, d, n, 0f, 0f);
        unary(UnaryOp.ADD_SCALAR, d, d, n, (float) eps, 0f);
        unary(UnaryOp.MUL_SCALAR, m, t, n, (float) (lr / biasCorrection1), 0f);
        binary(BinaryOp.DIV, t, s, d, s, t, s);
        binary(BinaryOp.SUB, w, s, t, s, w, s);
    }

    /**
     * Σ over the storages of Σ_i xs[k][i]² for i below lengths[k], returned to the host: the global gradient
     * norm is logged and must be checked for finiteness before a step, so this is the one value a training step
     * reads besides the loss (a device backend synchronises once for it). This default squares and reduceSums
     * each storage in float and reads one scalar per storage, adding them in double on the host.
     */
    default double sumSquares(Storage[] xs, long[] lengths) {
        OptimChecks.sumSquares(xs, lengths);
        double total = 0;
        double[] one = new double[1];
        Storage sum = allocate(1);
        for (int k = 0; k < xs.length; k++) {
            long n = lengths[k];
            if (n == 0) continue;
            Storage sq = allocate(n);
            unary(UnaryOp.SQUARE, xs[k], sq, n, 0f, 0f);
            reduceSum(sq, new int[]{Math.toIntExact(n)}, sum, new int[]{1});
            readDouble(sum, 0, one, 0, 1);
            total += one[0];
        }
        return total;
    }

    // ---- normalisation statistics, small dense linear algebra, max-reduction backward ----

    /**
     * The per-row coefficients of group/instance/layer/batch norm (layout p, rows = p.rows()), so that
     * y[r,j] = scale[r]·x[r,j] + shift[r] and center[r] is the mean of r's group (for {@link #rowDots} in the
     * backward). All arithmetic is in double from the stored values, rounded once when written.
     *
     * <p>Statistics: from rowMean/rowM2 ({@link #rowMoments} of the rows) combined per group with Chan's formula
     * (mean = Σ S·mean_r / count, M2 = Σ M2_r + S·(mean_r − mean)², biased variance M2 / count); or, with
     * rowMean null, fixedMean/fixedVar (length C, batch mode only: evaluation with running statistics).
     * rstd = 1/sqrt(var + eps); scale = rstd·gamma[ch], shift = beta[ch] − mean·scale (gamma, beta of length C,
     * null for 1 and 0). If runningMean/runningVar (length C, batch mode, statistics from moments) are not
     * null they are updated in place: r = (1 − momentum)·r + momentum·batch, with the unbiased variance
     * var·count/(count − 1).
     */
    default void normForward(NormSpec p, Storage rowMean, Storage rowM2, Storage fixedMean, Storage fixedVar,
                             Storage gamma, Storage beta, Storage scale, Storage shift, Storage center,
                             Storage runningMean, Storage runningVar, float momentum) {
        int rows = p.rows(), c = p.c();
        double[] sc = new double[rows], sh = new double[rows], ce = new double[rows];
        double[] rm = h2Read(this, runningMean, c), rv = h2Read(this, runningVar, c);
        org.screener.core.ref.NormRef.forward(p, h2Read(this, rowMean, rows), h2Read(this, rowM2, rows),
                h2Read(this, fixedMean, c), h2Read(this, fixedVar, c), h2Read(this, gamma, c), h2Read(this, beta, c),
                sc, sh, ce, rm, rv, momentum);
        writeDouble(scale, 0, sc, 0, rows);
        writeDouble(shift, 0, sh, 0, rows);
        writeDouble(center, 0, ce, 0, rows);
        if (rm != null) { writeDouble(runningMean, 0, rm, 0, c); writeDouble(runningVar, 0, rv, 0, c); }
    }

    /**
     * The backward coefficients of {@link #normForward}, from the same statistics inputs (the group mean
     * and rstd are recomputed from them with the same double arithmetic, never stored rounded) and the per-row
     * sumG = Σ_j g[r,j], sumGC = Σ_j g[r,j]·(x[r,j] − center[r]) of {@link #rowDots}:
     * gx[r,j] = a[r]·g[r,j] + b[r]·x[r,j] + t[r], i.e. rstd·(ĝ − mean ĝ − x̂·mean(ĝ·x̂)) with ĝ = gamma·g,
     * x̂ = (x − mean)·rstd, means over the group; with fixed statistics (rowMean null) the statistics are
     * constants and gx = a·g (b and t are then not written). dgamma[ch] = Σ_rows of ch rstd·sumGC[r] and
     * dbeta[ch] = Σ sumG[r] (length C, overwritten). Any of a, b, t, dgamma, dbeta may be null (not wanted).
     */
    default void normBackward(NormSpec p, Storage rowMean, Storage rowM2, Storage fixedMean, Storage fixedVar,
                              Storage gamma, Storage sumG, Storage sumGC,
                              Storage a, Storage b, Storage t, Storage dgamma, Storage dbeta) {
        int rows = p.rows(), c = p.c();
        double[] da = a == null ? null : new double[rows], db = b == null ? null : new double[rows];
        double[] dt = t == null ? null : new double[rows];
        double[] dg = dgamma == null ? null : new double[c], dbe = dbeta == null ? null : new double[c];
        org.screener.core.ref.NormRef.backward(p, h2Read(this, rowMean, rows), h2Read(this, rowM2, rows),
                h2Read(this, fixedMean, c), h2Read(this, fixedVar, c), h2Read(this, gamma, c),
                h2Read(this, sumG, rows), h2Read(this, sumGC, rows), da, db, dt, dg, dbe);
        boolean fixed = rowMean == null;
        if (a != null) writeDouble(a, 0, da, 0, rows);
        if (b != null && !fixed) writeDouble(b, 0, db, 0, rows);
        if (t != null && !fixed) writeDouble(t, 0, dt, 0, rows);
        if (dgamma != null) writeDouble(dgamma, 0, dg, 0, c);
        if (dbeta != null) writeDouble(dbeta, 0, dbe, 0, c);
    }

    /**
     * For the d×d row-major matrix a, in double precision from its stored entries, with an LU decomposition
     * with partial pivoting: logAbsDet[0] = log|det a| = Σ log|U_ii|, and inv = scale[0]·a⁻¹ (scale a
     * 1-element storage, null for 1: with the upstream gradient it is logAbsDet's backward in one rounding).
     * Either output may be null. A matrix with a non-finite entry gives NaN in both; a singular one (an exactly
     * zero pivot) gives logAbsDet = −∞ (the limit) and inv filled with NaN. Nothing is thrown, so that no
     * caller has to read the result to the host.
     */
    default void inverseLogAbsDet(Storage a, int d, Storage scale, Storage inv, Storage logAbsDet) {
        if (d <= 0) throw new IllegalArgumentException("inverseLogAbsDet: needs d >= 1, got " + d);
        double[] in = inv == null ? null : new double[d * d], ld = logAbsDet == null ? null : new double[1];
        double[] sc = h2Read(this, scale, 1);
        org.screener.core.ref.LinalgRef.inverseLogAbsDet(h2Read(this, a, d * d), d, sc == null ? 1 : sc[0], in, ld);
        if (in != null) writeDouble(inv, 0, in, 0, d * d);
        if (ld != null) writeDouble(logAbsDet, 0, ld, 0, 1);
    }

    /**
     * The backward of {@link #reduceMax}: mask (x's shape) is 1 at the first position, in row-major order of
     * each slot's window, where x equals the slot's value in max (keep-dims shape; a NaN equals a NaN max),
     * and 0 elsewhere. Exact for any slot size.
     */
    default void firstMaxMask(Storage x, int[] xShape, Storage max, int[] maxShape, Storage mask) {
        int n = (int) Shape.numel(xShape), m = (int) Shape.numel(maxShape);
        double[] out = new double[n];
        org.screener.core.ref.ElementwiseRef.firstMaxMask(h2Read(this, x, n), xShape, h2Read(this, max, m), maxShape, out);
        writeDouble(mask, 0, out, 0, n);
    }

    /** The first n values of s on the host in double, null for a null s (the defaults of the normalisation and linear-algebra kernels). */
    private static double[] h2Read(Backend be, Storage s, int n) {
        if (s == null) return null;
        double[] d = new double[n];
        be.readDouble(s, 0, d, 0, n);
        return d;
    }

    // ---- int32 indices and counter-based random numbers ----

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

    // ---- lifetime: uninitialised allocation ----

    /**
     * A buffer of n elements whose contents are unspecified (stale data of a freed buffer, or NaN on the
     * reference backend): only for outputs a kernel overwrites completely. Kernels that accumulate into their
     * output (scatterAddVoxels, copyBox with accumulate, gemm with beta != 0) and ops that write only part of
     * it (zero pad, the backward of crop) need {@link #allocate}. The backward kernels of pooling, upsampling,
     * replicate padding and conv are handed uninitialised buffers: each implementation must zero its gx
     * before scattering into it (the CPU and reference kernels do). The default zero-fills.
     */
    default Storage allocateUninitialized(long n) { return allocate(n); }

    // ---- fused-kernel extensions ----

    /**
     * This backend's implementation of a named extension interface (a group of fused kernels beyond this closed
     * list, e.g. {@link org.screener.core.ext.DensityExtension}), or null when it has none. Callers then fall
     * back to their op-composed path: an extension makes a computation faster, it never adds one, so the
     * default returns null and a new backend works without implementing any.
     */
    default <T> T extension(Class<T> type) { return null; }
}
