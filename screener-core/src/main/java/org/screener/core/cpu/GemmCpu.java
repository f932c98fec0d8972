package org.screener.core.cpu;

import java.util.concurrent.ForkJoinTask;

/**
 * Single-precision GEMM, row-major (see {@code Backend.gemm}): C = alpha * op(A) * op(B) + beta * C.
 *
 * <p>Large problems are cache-blocked: C is cut into (mc × nc) tiles that run in parallel; for every K-block
 * of depth kc each tile packs its slice of op(A) into MR-row panels and of op(B) into NR-column panels
 * (zero-padded at the edges, so the register-tile kernel never branches), then runs the MR × NR kernel over
 * the tile. The kernel is the Vector API one ({@code GemmVector}, loaded only when jdk.incubator.vector is
 * present) or a scalar one. Small problems take a plain loop without packing or threads.
 *
 * <p>With beta == 0, C is never read, so garbage (NaN) in it is overwritten, as in BLAS. Unlike BLAS, alpha == 0
 * still reads A and B (NaN there propagates), exactly as the definition {@code GemmRef} does.
 */
public final class GemmCpu {
    private GemmCpu() {}

    /** Which implementation runs; AUTO is what the backend uses, the others exist for tests and benchmarks. */
    public enum Path { AUTO, SIMPLE, SCALAR, VECTOR }

    /** Below this many multiply-adds the plain loop wins over packing and thread hand-off. */
    static final long SMALL = 48L * 48 * 48;

    /** Register-tile kernel used by the blocked driver. */
    interface Kernel {
        int mr();
        int nr();
        /** Preferred K-block depth and tile sizes (multiples of mr / nr). */
        int kc();
        int mc();
        int nc();

        /**
         * Multiplies the packed MR×kc panel at ap[aOff] by the packed kc×NR panel at bp[bOff] and writes the
         * top-left rows × cols corner into C: c = alpha * acc + beta * c (c not read when beta == 0).
         */
        void tile(float[] ap, int aOff, float[] bp, int bOff, int kc, float alpha, float beta,
                  float[] c, int cOff, int ldc, int rows, int cols);
    }

    private static final class Holder {
        static final Kernel VECTOR = loadVector();
        static final Kernel SCALAR = new GemmScalar();
        static final Kernel BEST = VECTOR != null ? VECTOR : scalarWithNotice();

        private static Kernel loadVector() {
            if (!ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) return null;
            try {
                java.lang.reflect.Method best = Class.forName("org.screener.core.cpu.GemmVector").getDeclaredMethod("best");
                best.setAccessible(true);
                return (Kernel) best.invoke(null);
            } catch (ReflectiveOperationException | LinkageError e) {
                System.err.println("screener: Vector API GEMM kernel failed to load (" + e + ")");
                return null;
            }
        }

        private static Kernel scalarWithNotice() {
            System.err.println("screener: jdk.incubator.vector not present (run java with --add-modules "
                    + "jdk.incubator.vector); GEMM uses the scalar kernel, several times slower");
            return SCALAR;
        }
    }

    /** True if the Vector API kernel is loaded. */
    public static boolean vectorAvailable() { return Holder.VECTOR != null; }

    /** Name of the kernel AUTO uses for large problems, for logs and benchmarks. */
    public static String kernelName() {
        Kernel k = Holder.BEST;
        return (k == Holder.VECTOR ? "vector" + (k.nr() / ((GemmVector.Tile) k).nv * 32) : "scalar") + "(" + k.mr() + "x" + k.nr() + ",kc" + k.kc() + ",mc" + k.mc() + ",nc" + k.nc() + ")";
    }

    /** Lanes of the preferred float species the vector kernels use (0 without the Vector API). */
    public static int vectorLanes() { return vectorAvailable() ? GemmVector.L : 0; }

    /** The vector tile shapes ("MRxNV") that exist, and the one AUTO picks for this width; for tests and benchmarks. */
    public static String[] vectorTiles() { return vectorAvailable() ? GemmVector.SHAPES.clone() : new String[0]; }

    public static String chosenVectorTile() { return vectorAvailable() ? GemmVector.shapeFor(GemmVector.L) : null; }

    /**
     * The blocked driver with one named vector tile and explicit blocking (rounded up to the tile), so tests can
     * drive every shape, with several K-, M- and N-blocks, on small problems.
     */
    public static void sgemmTile(String tile, int kc, int mc, int nc, boolean ta, boolean tb, int m, int n, int k,
                                 float alpha, float[] a, int ao, int lda, float[] b, int bo, int ldb,
                                 float beta, float[] c, int co, int ldc) {
        if (!vectorAvailable()) throw new IllegalStateException("sgemm: Vector API kernel not available (needs --add-modules jdk.incubator.vector)");
        Kernel kr = GemmVector.of(tile).blocking(kc, mc, nc);
        check(ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scale(m, n, beta, c, co, ldc);
            return;
        }
        blocked(kr, ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
    }

    public static void sgemm(boolean ta, boolean tb, int m, int n, int k, float alpha,
                             float[] a, int ao, int lda, float[] b, int bo, int ldb,
                             float beta, float[] c, int co, int ldc) {
        sgemm(Path.AUTO, ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
    }

    public static void sgemm(Path path, boolean ta, boolean tb, int m, int n, int k, float alpha,
                             float[] a, int ao, int lda, float[] b, int bo, int ldb,
                             float beta, float[] c, int co, int ldc) {
        check(ta, tb, m, n, k, a, ao, lda, b, bo, ldb, c, co, ldc);
        if (m == 0 || n == 0) return;
        if (k == 0) {   // alpha * (empty sum) + beta * C
            scale(m, n, beta, c, co, ldc);
            return;
        }
        Kernel kernel;
        switch (path) {
            case SIMPLE: simple(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc); return;
            case SCALAR: kernel = Holder.SCALAR; break;
            case VECTOR:
                if (Holder.VECTOR == null) throw new IllegalStateException("sgemm: Vector API kernel not available (needs --add-modules jdk.incubator.vector)");
                kernel = Holder.VECTOR;
                break;
            default:
                if ((long) m * n * k <= SMALL) {
                    simple(ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
                    return;
                }
                kernel = Holder.BEST;
        }
        blocked(kernel, ta, tb, m, n, k, alpha, a, ao, lda, b, bo, ldb, beta, c, co, ldc);
    }

    private static void check(boolean ta, boolean tb, int m, int n, int k, float[] a, int ao, int lda,
                              float[] b, int bo, int ldb, float[] c, int co, int ldc) {
        if (m < 0 || n < 0 || k < 0)
            throw new IllegalArgumentException("sgemm: negative size m=" + m + " n=" + n + " k=" + k);
        int aCols = ta ? m : k, aRows = ta ? k : m, bCols = tb ? k : n, bRows = tb ? n : k;
        if (lda < Math.max(1, aCols) || ldb < Math.max(1, bCols) || ldc < Math.max(1, n))
            throw new IllegalArgumentException("sgemm: leading dimension too small: lda=" + lda + " (A " + aRows + "x" + aCols
                    + ") ldb=" + ldb + " (B " + bRows + "x" + bCols + ") ldc=" + ldc + " (C " + m + "x" + n + ")");
        if (m == 0 || n == 0) return;
        need("C", c, co, m, n, ldc);
        if (k == 0) return;
        need("A", a, ao, aRows, aCols, lda);
        need("B", b, bo, bRows, bCols, ldb);
    }

    private static void need(String what, float[] x, int off, int rows, int cols, int ld) {
        long last = (long) off + (long) (rows - 1) * ld + cols;
        if (off < 0 || last > x.length)
            throw new IllegalArgumentException("sgemm: " + what + " (" + rows + "x" + cols + ", offset " + off + ", ld " + ld
                    + ") needs " + last + " elements, array has " + x.length);
    }

    private static void scale(int m, int n, float beta, float[] c, int co, int ldc) {
        for (int i = 0; i < m; i++) {
            int r = co + i * ldc;
            if (beta == 0f) java.util.Arrays.fill(c, r, r + n, 0f);
            else if (beta != 1f) for (int j = 0; j < n; j++) c[r + j] *= beta;
        }
    }

    /** Plain loops, inner loop over contiguous memory where the layout allows (the JIT vectorises it). */
    static void simple(boolean ta, boolean tb, int m, int n, int k, float alpha,
                       float[] a, int ao, int lda, float[] b, int bo, int ldb,
                       float beta, float[] c, int co, int ldc) {
        if (!tb) {
            scale(m, n, beta, c, co, ldc);
            for (int i = 0; i < m; i++) {
                int cr = co + i * ldc;
                for (int p = 0; p < k; p++) {
                    float av = alpha * (ta ? a[ao + p * lda + i] : a[ao + i * lda + p]);
                    if (av == 0f) continue;
                    int br = bo + p * ldb;
                    for (int j = 0; j < n; j++) c[cr + j] += av * b[br + j];
                }
            }
        } else {
            for (int i = 0; i < m; i++) {
                int cr = co + i * ldc;
                for (int j = 0; j < n; j++) {
                    int br = bo + j * ldb;
                    float s = 0f;
                    if (!ta) {
                        int ar = ao + i * lda;
                        for (int p = 0; p < k; p++) s += a[ar + p] * b[br + p];
                    } else {
                        for (int p = 0; p < k; p++) s += a[ao + p * lda + i] * b[br + p];
                    }
                    c[cr + j] = alpha * s + (beta == 0f ? 0f : beta * c[cr + j]);
                }
            }
        }
    }

    /** Per-thread packing buffers, grown on demand (tiles run on the pool's long-lived threads). */
    private static final ThreadLocal<float[][]> BUFFERS = ThreadLocal.withInitial(() -> new float[2][0]);

    static void blocked(Kernel kr, boolean ta, boolean tb, int m, int n, int k, float alpha,
                        float[] a, int ao, int lda, float[] b, int bo, int ldb,
                        float beta, float[] c, int co, int ldc) {
        final int MR = kr.mr(), NR = kr.nr();
        final int kc = ceilDiv(k, ceilDiv(k, kr.kc()));   // equal K-blocks: no thin last block
        int mc = Math.min(kr.mc(), roundUp(m, MR)), nc = Math.min(kr.nc(), roundUp(n, NR));
        // enough tiles to keep every thread busy: halve the wider tile side while there are too few (not
        // when called from inside a parallel loop, where forRange runs inline on this thread)
        int want = Parallel.threads() == 1 || ForkJoinTask.inForkJoinPool() ? 1 : 2 * Parallel.threads();
        while ((long) ceilDiv(m, mc) * ceilDiv(n, nc) < want) {
            if (nc >= mc && nc > 2 * NR) nc = roundUp(nc / 2, NR);
            else if (mc > 2 * MR) mc = roundUp(mc / 2, MR);
            else if (nc > NR) nc = roundUp(nc / 2, NR);
            else break;
        }
        final int MC = mc, NC = nc;
        final int tilesM = ceilDiv(m, MC), tilesN = ceilDiv(n, NC);
        // tiles are numbered column block by column block, so the tiles of one chunk that share a column
        // block also share its packed B panels; a few chunks per thread still balance the load
        int tiles = tilesM * tilesN, grain = Math.max(1, tiles / (2 * Parallel.threads()));
        Parallel.forRange(tiles, grain, (lo, hi) -> {
            float[][] buf = BUFFERS.get();
            if (buf[0].length < MC * kc) buf[0] = new float[MC * kc];
            if (buf[1].length < NC * kc) buf[1] = new float[NC * kc];
            float[] ap = buf[0], bp = buf[1];
            for (int t0 = lo; t0 < hi; ) {
                int jb = t0 / tilesM, t1 = Math.min(hi, (jb + 1) * tilesM);
                int j0 = jb * NC, nb = Math.min(NC, n - j0);
                for (int p0 = 0; p0 < k; p0 += kc) {
                    int kb = Math.min(kc, k - p0);
                    float bt = p0 == 0 ? beta : 1f;
                    packB(tb, b, bo, ldb, j0, nb, p0, kb, NR, bp);
                    for (int t = t0; t < t1; t++) {
                        int i0 = (t % tilesM) * MC, mb = Math.min(MC, m - i0);
                        packA(ta, a, ao, lda, i0, mb, p0, kb, MR, ap);
                        for (int jr = 0; jr < nb; jr += NR) {
                            int cols = Math.min(NR, nb - jr);
                            int bOff = jr * kb;
                            for (int ir = 0; ir < mb; ir += MR) {
                                int rows = Math.min(MR, mb - ir);
                                kr.tile(ap, ir * kb, bp, bOff, kb, alpha, bt,
                                        c, co + (i0 + ir) * ldc + j0 + jr, ldc, rows, cols);
                            }
                        }
                    }
                }
                t0 = t1;
            }
        });
    }

    /** op(A)[i0 .. i0+mb, p0 .. p0+kb] into MR-row panels: ap[(panel * kb + p) * MR + r], rows past mb zero. */
    static void packA(boolean ta, float[] a, int ao, int lda, int i0, int mb, int p0, int kb, int MR, float[] ap) {
        for (int ir = 0; ir < mb; ir += MR) {
            int rows = Math.min(MR, mb - ir), base = ir * kb;
            if (!ta) {
                for (int r = 0; r < rows; r++) {
                    int src = ao + (i0 + ir + r) * lda + p0;
                    for (int p = 0; p < kb; p++) ap[base + p * MR + r] = a[src + p];
                }
            } else {
                for (int p = 0; p < kb; p++)
                    System.arraycopy(a, ao + (p0 + p) * lda + i0 + ir, ap, base + p * MR, rows);
            }
            if (rows < MR)
                for (int p = 0; p < kb; p++)
                    for (int r = rows; r < MR; r++) ap[base + p * MR + r] = 0f;
        }
    }

    /** op(B)[p0 .. p0+kb, j0 .. j0+nb] into NR-column panels: bp[(panel * kb + p) * NR + j], cols past nb zero. */
    static void packB(boolean tb, float[] b, int bo, int ldb, int j0, int nb, int p0, int kb, int NR, float[] bp) {
        for (int jr = 0; jr < nb; jr += NR) {
            int cols = Math.min(NR, nb - jr), base = jr * kb;
            if (!tb) {
                for (int p = 0; p < kb; p++)
                    System.arraycopy(b, bo + (p0 + p) * ldb + j0 + jr, bp, base + p * NR, cols);
            } else {
                for (int j = 0; j < cols; j++) {
                    int src = bo + (j0 + jr + j) * ldb + p0;
                    for (int p = 0; p < kb; p++) bp[base + p * NR + j] = b[src + p];
                }
            }
            if (cols < NR)
                for (int p = 0; p < kb; p++)
                    for (int j = cols; j < NR; j++) bp[base + p * NR + j] = 0f;
        }
    }

    /** Writes acc (rows × cols of an MR×NR tile, row-major with stride nr) into C with alpha/beta. */
    static void store(float[] acc, int nr, float alpha, float beta, float[] c, int cOff, int ldc, int rows, int cols) {
        for (int r = 0; r < rows; r++) {
            int cr = cOff + r * ldc;
            for (int j = 0; j < cols; j++)
                c[cr + j] = alpha * acc[r * nr + j] + (beta == 0f ? 0f : beta * c[cr + j]);
        }
    }

    static int ceilDiv(int x, int y) { return (x + y - 1) / y; }

    static int roundUp(int x, int y) { return ceilDiv(x, y) * y; }
}
