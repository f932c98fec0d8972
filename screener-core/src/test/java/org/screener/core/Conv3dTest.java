package org.screener.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.cpu.Conv3dCpu;
import org.screener.core.ops.Conv;
import org.screener.core.ops.Reductions;
import org.screener.core.ref.Conv3dRef;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Conv3dTest {
    @AfterEach
    void vectorBack() { Conv3dCpu.forceScalar(false); }

    // ---- values by hand ------------------------------------------------------------------------------------

    @Test
    void tinyCaseByHand() {
        for (Backend be : new Backend[]{Backends.get("ref"), Backends.get("cpu")}) {
            // x = [[1,2,3],[4,5,6]] (D=1, H=2, W=3), w = [[1,2],[3,4]] (k = 1x2x2), bias 0.5
            Tensor x = Tensor.of(be, new float[]{1, 2, 3, 4, 5, 6}, 1, 1, 1, 2, 3).requiresGrad(true);
            Tensor w = Tensor.of(be, new float[]{1, 2, 3, 4}, 1, 1, 1, 2, 2).requiresGrad(true);
            Tensor b = Tensor.of(be, new float[]{0.5f}, 1).requiresGrad(true);
            Tensor y = Conv.conv3d(x, w, b, new int[]{1, 1, 1}, new int[]{0, 0, 0}, new int[]{1, 1, 1}, 1);
            assertArrayEquals(new int[]{1, 1, 1, 1, 2}, y.shape());
            // 1*1 + 2*2 + 4*3 + 5*4 = 37 ; 2*1 + 3*2 + 5*3 + 6*4 = 47
            assertArrayEquals(new float[]{37.5f, 47.5f}, y.toArray(), 1e-5f, be.name());
            Reductions.sum(y).backward();
            // each x gets the sum of the weights that touch it
            assertArrayEquals(new float[]{1, 3, 2, 3, 7, 4}, x.grad().toArray(), 1e-5f, be.name());
            // each weight gets the sum of the inputs it sees
            assertArrayEquals(new float[]{3, 5, 9, 11}, w.grad().toArray(), 1e-5f, be.name());
            assertArrayEquals(new float[]{2}, b.grad().toArray(), 1e-5f, be.name());
        }
    }

    @Test
    void paddedStridedByHand() {
        // 1D along W: x = [1,2,3,4,5], k = [1,1,1], stride 2, pad 1 -> windows [0,1,2],[2,3,4],[4,5,0]
        Tensor x = Tensor.of(Backends.get("cpu"), new float[]{1, 2, 3, 4, 5}, 1, 1, 1, 1, 5);
        Tensor w = Tensor.of(Backends.get("cpu"), new float[]{1, 1, 1}, 1, 1, 1, 1, 3);
        Tensor y = Conv.conv3d(x, w, null, new int[]{1, 1, 2}, new int[]{0, 0, 1}, new int[]{1, 1, 1}, 1);
        assertArrayEquals(new float[]{3, 9, 9}, y.toArray(), 1e-6f);
    }

    // ---- gradcheck on the reference backend ----------------------------------------------------------------

    @Test
    void gradcheckStridePadDilationGroupsBias() {
        Random rnd = new Random(7);
        Tensor x = GradCheck.input(rnd, -1, 1, 1, 4, 5, 6, 5);
        Tensor w = GradCheck.input(rnd, -1, 1, 6, 2, 3, 2, 3);
        Tensor b = GradCheck.input(rnd, -1, 1, 6);
        GradCheck.check("conv3d", t -> Conv.conv3d(t[0], t[1], t[2], new int[]{2, 1, 2}, new int[]{1, 0, 1},
                new int[]{1, 2, 1}, 2), x, w, b);
    }

    @Test
    void gradcheckCubeShorthandStride2() {
        Random rnd = new Random(8);
        Tensor x = GradCheck.input(rnd, -1, 1, 2, 2, 5, 4, 5);
        Tensor w = GradCheck.input(rnd, -1, 1, 3, 2, 3, 3, 3);
        Tensor b = GradCheck.input(rnd, -1, 1, 3);
        GradCheck.check("conv3d cube", t -> Conv.conv3d(t[0], t[1], t[2], 2, 1), x, w, b);
    }

    // ---- fast kernels against the reference ----------------------------------------------------------------

    private static float[] rand(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) (2 * r.nextDouble() - 1);
        return a;
    }

    private static double[] dbl(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static void close(String what, double[] ref, float[] got) {
        double max = 0;
        for (double v : ref) max = Math.max(max, Math.abs(v));
        double tol = 1e-5 + 2e-6 * max * Math.sqrt(ref.length);
        tol = Math.min(tol, 1e-5 + 1e-4 * max);
        for (int i = 0; i < ref.length; i++)
            if (!(Math.abs(ref[i] - got[i]) <= tol))
                throw new AssertionError(what + ": element " + i + " ref " + ref[i] + " cpu " + got[i] + " (tol " + tol + ")");
    }

    static void compareWithRef(ConvParams p, long seed) {
        Random r = new Random(seed);
        int nx = (int) (p.n * p.cin * p.inVoxels()), ny = (int) (p.n * p.cout * p.outVoxels());
        int nw = (int) (p.cout * (p.cin / p.groups) * p.kernelVolume());
        float[] x = rand(r, nx), w = rand(r, nw), b = rand(r, p.cout), gy = rand(r, ny);
        double[] yr = new double[ny], gxr = new double[nx], gwr = new double[nw], gbr = new double[p.cout];
        Conv3dRef.forward(p, dbl(x), dbl(w), dbl(b), yr);
        Conv3dRef.backwardData(p, dbl(gy), dbl(w), gxr);
        Conv3dRef.backwardWeight(p, dbl(x), dbl(gy), gwr, gbr);
        for (boolean scalar : new boolean[]{false, true}) {
            Conv3dCpu.forceScalar(scalar);
            String tag = p + (scalar ? " scalar" : " vector");
            float[] y = new float[ny], gx = new float[nx], gw = new float[nw], gb = new float[p.cout];
            java.util.Arrays.fill(y, Float.NaN);           // kernels must overwrite
            java.util.Arrays.fill(gx, Float.NaN);
            java.util.Arrays.fill(gw, Float.NaN);
            Conv3dCpu.forward(p, x, w, b, y);
            close("forward " + tag, yr, y);
            Conv3dCpu.backwardData(p, gy, w, gx);
            close("backwardData " + tag, gxr, gx);
            Conv3dCpu.backwardWeight(p, x, gy, gw, gb);
            close("backwardWeight " + tag, gwr, gw);
            close("bias grad " + tag, gbr, gb);
        }
        Conv3dCpu.forceScalar(false);
    }

    private static int[] v(int a, int b, int c) { return new int[]{a, b, c}; }

    @Test
    void cpuMatchesRefStride1Padded() {
        compareWithRef(new ConvParams(2, 3, 5, v(5, 7, 6), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 1);
    }

    @Test
    void cpuMatchesRefStride2Pad1Dilation2() {
        compareWithRef(new ConvParams(2, 3, 5, v(5, 7, 6), v(3, 3, 3), v(2, 2, 2), v(1, 1, 1), v(2, 2, 2), 1), 2);
    }

    @Test
    void cpuMatchesRefGroupsAndMixedAxes() {
        compareWithRef(new ConvParams(1, 4, 6, v(5, 7, 6), v(2, 3, 3), v(1, 1, 1), v(0, 1, 2), v(2, 1, 1), 2), 3);
        compareWithRef(new ConvParams(2, 6, 9, v(7, 5, 6), v(3, 2, 3), v(2, 1, 3), v(1, 1, 0), v(1, 2, 1), 3), 4);
    }

    @Test
    void cpuMatchesRefDepthStrideOnly() {
        compareWithRef(new ConvParams(2, 3, 5, v(7, 5, 6), v(3, 3, 3), v(2, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 5);
    }

    @Test
    void cpuMatchesRefPointwise() {
        compareWithRef(new ConvParams(2, 17, 19, v(5, 7, 6), v(1, 1, 1), v(1, 1, 1), v(0, 0, 0), v(1, 1, 1), 1), 6);
    }

    @Test
    void cpuMatchesRefDownsample2x2x2() {
        compareWithRef(new ConvParams(2, 3, 5, v(6, 7, 5), v(2, 2, 2), v(2, 2, 2), v(0, 0, 0), v(1, 1, 1), 1), 7);
    }

    @Test
    void cpuMatchesRefManyTilesAndRowBlocks() {
        compareWithRef(new ConvParams(1, 9, 17, v(11, 13, 12), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 8);
        compareWithRef(new ConvParams(1, 9, 17, v(11, 13, 12), v(3, 3, 3), v(2, 2, 2), v(1, 1, 1), v(1, 1, 1), 1), 9);
        // narrow tiles: many tiles per plane, runs split across tile boundaries
        System.setProperty("screener.conv.tile", "16");
        try {
            compareWithRef(new ConvParams(2, 5, 9, v(6, 7, 9), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 12);
            compareWithRef(new ConvParams(1, 5, 9, v(7, 6, 9), v(3, 3, 3), v(2, 1, 2), v(1, 1, 1), v(1, 1, 1), 1), 13);
        } finally {
            System.clearProperty("screener.conv.tile");
        }
    }

    @Test
    void cpuMatchesRefPaddingBeyondKernel() {
        // pad > dilation * (k - 1): backwardData cannot be a forward conv
        compareWithRef(new ConvParams(1, 3, 4, v(4, 5, 3), v(1, 2, 1), v(1, 1, 1), v(1, 2, 1), v(1, 1, 1), 1), 10);
    }

    @Test
    void cpuMatchesRefWinogradPath() {
        // kernel 3, stride 1, >= 8 channels, rows of >= 24 tiles: the Winograd path (odd D, H and W sizes)
        compareWithRef(new ConvParams(1, 8, 9, v(5, 4, 49), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 14);
        compareWithRef(new ConvParams(2, 16, 18, v(4, 3, 50), v(3, 3, 3), v(1, 1, 1), v(0, 2, 1), v(1, 1, 1), 2), 15);
        // the production channel count: float rounding of the transforms stays within tolerance
        compareWithRef(new ConvParams(1, 32, 32, v(3, 4, 33), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 16);
        // 16 tiles a row (a 32³ level): GEMMs one vector wide; 12 and 13 channels take the 8-, 4- and 1-row tiles
        compareWithRef(new ConvParams(1, 12, 13, v(3, 4, 32), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 17);
        // 40 tiles a row: column blocks of two vectors, then a last single one
        compareWithRef(new ConvParams(2, 12, 12, v(2, 3, 80), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 18);
    }

    @Test
    void cpuMatchesRefDirectBatchesOfSamples() {
        // the small-level direct path pads several sample-groups and runs all their tiles in one parallel loop;
        // a small batch cap splits 3 samples x 2 groups into batches of 2 (a chunk then spans groups)
        int threads = org.screener.core.cpu.Parallel.threads();
        try {
            for (int t : new int[]{1, 2, 3}) {
                org.screener.core.cpu.Parallel.setThreads(t);
                compareWithRef(new ConvParams(3, 10, 6, v(5, 4, 7), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 2), 20 + t);
                System.setProperty("screener.conv.directBatch", "4000");   // 1,890 floats a sample-group: 2
                try {
                    compareWithRef(new ConvParams(3, 10, 6, v(5, 4, 7), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 2), 30 + t);
                    System.setProperty("screener.conv.directBatch", "2500");   // 1,120 floats: 2, then 1
                    compareWithRef(new ConvParams(3, 4, 6, v(5, 6, 3), v(3, 3, 3), v(2, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 40 + t);
                } finally {
                    System.clearProperty("screener.conv.directBatch");
                }
            }
        } finally {
            org.screener.core.cpu.Parallel.setThreads(threads);
        }
    }

    @Test
    void cpuMatchesRefWinogradRowsBatched() {
        // several tile rows share one GEMM column block: rows of 25 or 24 tiles (long enough for the Winograd path
        // on any width) and a column target of 60 (2 rows a block) or 125 (5 rows: blocks of 5, 5 and a last 2 of
        // the 12 rows); several samples transformed per round, then split by a small batch cap
        int threads = org.screener.core.cpu.Parallel.threads();
        System.setProperty("screener.conv.winoCols", "60");
        try {
            for (int t : new int[]{1, 2}) {
                org.screener.core.cpu.Parallel.setThreads(t);
                compareWithRef(new ConvParams(3, 8, 9, v(5, 7, 49), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 50 + t);
                compareWithRef(new ConvParams(2, 16, 18, v(4, 5, 50), v(3, 3, 3), v(1, 1, 1), v(0, 2, 1), v(1, 1, 1), 2), 52 + t);
                System.setProperty("screener.conv.winoCols", "125");
                compareWithRef(new ConvParams(3, 8, 9, v(6, 5, 48), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 54 + t);
                System.setProperty("screener.conv.directBatch", "140000");   // 65,536 floats a sample: 2, then 1
                try {
                    compareWithRef(new ConvParams(3, 8, 9, v(6, 5, 48), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 1), 56 + t);
                } finally {
                    System.clearProperty("screener.conv.directBatch");
                }
                System.setProperty("screener.conv.winoCols", "60");
            }
        } finally {
            System.clearProperty("screener.conv.winoCols");
            org.screener.core.cpu.Parallel.setThreads(threads);
        }
    }

    @Test
    void directPathBitIdenticalRunToRun() {
        // an 8³ UNet level's shape (fewer channels): same thread count, same bits, forward and both gradients
        int threads = org.screener.core.cpu.Parallel.threads();
        try {
            org.screener.core.cpu.Parallel.setThreads(2);
            ConvParams p = ConvParams.cube(4, 12, 12, v(8, 8, 8), 3, 1, 1, 1);
            Random r = new Random(5);
            float[] x = rand(r, (int) (p.n * p.cin * p.inVoxels())), w = rand(r, (int) (p.cout * p.cin * 27L));
            float[] gy = rand(r, (int) (p.n * p.cout * p.outVoxels()));
            float[][] first = null;
            for (int rep = 0; rep < 3; rep++) {
                float[] y = new float[gy.length], gx = new float[x.length], gw = new float[w.length];
                Conv3dCpu.forward(p, x, w, null, y);
                Conv3dCpu.backwardData(p, gy, w, gx);
                Conv3dCpu.backwardWeight(p, x, gy, gw, null);
                if (first == null) first = new float[][]{y, gx, gw};
                else for (int i = 0; i < 3; i++)
                    org.junit.jupiter.api.Assertions.assertArrayEquals(first[i], new float[][]{y, gx, gw}[i], 0f, "output " + i);
            }
        } finally {
            org.screener.core.cpu.Parallel.setThreads(threads);
        }
    }

    @Test
    void depthwise() {
        compareWithRef(new ConvParams(2, 6, 6, v(5, 7, 6), v(3, 3, 3), v(1, 1, 1), v(1, 1, 1), v(1, 1, 1), 6), 11);
    }

    // ---- errors --------------------------------------------------------------------------------------------

    @Test
    void shapeErrorsNameOpAndShapes() {
        Tensor x = Tensor.zeros(Backends.get("cpu"), 1, 4, 5, 5, 5);
        Tensor w = Tensor.zeros(Backends.get("cpu"), 3, 3, 3, 3, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Conv.conv3d(x, w, null, 1, 1));
        assertTrue(e.getMessage().contains("conv3d") && e.getMessage().contains("[1, 4, 5, 5, 5]")
                && e.getMessage().contains("[3, 3, 3, 3, 3]"), e.getMessage());
        Tensor small = Tensor.zeros(Backends.get("cpu"), 1, 3, 2, 2, 2);
        e = assertThrows(IllegalArgumentException.class, () -> Conv.conv3d(small, w, null, 1, 0));
        assertTrue(e.getMessage().contains("conv3d") && e.getMessage().contains("[1, 3, 2, 2, 2]"), e.getMessage());
    }
}
