package org.screener.cuda;

import jcuda.driver.CUdeviceptr;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.screener.cuda.ref.AffineCouplingRef;
import org.screener.cuda.ref.GaussianNllRef;
import org.screener.cuda.ref.PerVoxelMatmulRef;

import java.util.Random;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Each CUDA kernel against its double reference on random awkward sizes, then timed (printed, never asserted).
 * Needs a CUDA GPU and a driver >= 580 for the PTX fallback; without one every test is skipped, with the reason
 * on stderr (surefire hides assumption messages) and in the assumption.
 */
class DensityKernelsGpuTest {
    private static DensityKernels k;
    private static String skip;

    @BeforeAll
    static void open() {
        skip = CudaProvider.probeDevice();
        if (skip != null) {
            System.err.println("DensityKernelsGpuTest: SKIPPED, all GPU kernel checks and timings: " + skip);
            return;
        }
        k = DensityKernels.open();
        System.err.println("DensityKernelsGpuTest: device " + k.deviceName() + ", modules " + String.join(", ", k.loadedFrom()));
    }

    @AfterAll
    static void close() { if (k != null) k.close(); }

    private static void needGpu() { assumeTrue(skip == null, "DensityKernelsGpuTest skipped: " + skip); }

    @Test
    void gaussianNll() {
        needGpu();
        Random rnd = new Random(1);
        for (int[] sz : new int[][]{{2, 3, 4099}, {1, 1, 1}, {3, 7, 131}, {2, 16, 65537}, {1, 5, 257}}) {
            int n = sz[0], d = sz[1], v = sz[2];
            float[] y = rand(rnd, n * d * v, -2, 2), mu = rand(rnd, n * d * v, -2, 2), lv = rand(rnd, n * d * v, -1.5, 1.5);
            float[] g = rand(rnd, n * v, -1, 1);
            CUdeviceptr dY = k.upload(y), dM = k.upload(mu), dL = k.upload(lv), dG = k.upload(g);
            CUdeviceptr nll = k.alloc((long) n * v), gy = k.alloc((long) n * d * v), gm = k.alloc((long) n * d * v), gl = k.alloc((long) n * d * v);
            try {
                k.gaussianNllForward(dY, dM, dL, nll, n, d, v);
                k.gaussianNllBackward(dY, dM, dL, dG, gy, gm, gl, n, d, v);
                double[] yd = dbl(y), md = dbl(mu), ld = dbl(lv);
                compare("gaussian_nll forward", sz, k.download(nll, n * v), GaussianNllRef.forward(yd, md, ld, n, d, v), 1e-5);
                double[][] ref = GaussianNllRef.backward(yd, md, ld, dbl(g), n, d, v);
                compare("gaussian_nll dy", sz, k.download(gy, n * d * v), ref[0], 1e-5);
                compare("gaussian_nll dmu", sz, k.download(gm, n * d * v), ref[1], 1e-5);
                compare("gaussian_nll dlogvar", sz, k.download(gl, n * d * v), ref[2], 1e-5);
                if (v > 10000) {
                    double bytes = 4.0 * (3L * n * d * v + n * v);
                    report("gaussian_nll forward", sz, k.timeMs(() -> k.gaussianNllForward(dY, dM, dL, nll, n, d, v), 3, 21), bytes);
                    report("gaussian_nll backward", sz, k.timeMs(() -> k.gaussianNllBackward(dY, dM, dL, dG, gy, gm, gl, n, d, v), 3, 21),
                            4.0 * (6L * n * d * v + n * v));
                }
            } finally {
                k.free(dY, dM, dL, dG, nll, gy, gm, gl);
            }
        }
    }

    @Test
    void affineCoupling() {
        needGpu();
        Random rnd = new Random(2);
        for (int[] sz : new int[][]{{2, 3, 4099}, {1, 2, 1}, {3, 7, 131}, {2, 16, 65537}, {1, 63, 257}}) {
            int n = sz[0], d = sz[1], v = sz[2], hc = 2 * (d - d / 2);
            float[] y = rand(rnd, n * d * v, -2, 2), h = rand(rnd, n * hc * v, -6, 6);
            float[] go = rand(rnd, n * d * v, -1, 1), gld = rand(rnd, n * v, -1, 1);
            CUdeviceptr dY = k.upload(y), dH = k.upload(h), dGo = k.upload(go), dGl = k.upload(gld);
            CUdeviceptr out = k.alloc((long) n * d * v), ld = k.alloc((long) n * v), gy = k.alloc((long) n * d * v), gh = k.alloc((long) n * hc * v);
            try {
                k.affineCouplingForward(dY, dH, out, ld, n, d, v);
                k.affineCouplingBackward(dY, dH, dGo, dGl, gy, gh, n, d, v);
                double[][] f = AffineCouplingRef.forward(dbl(y), dbl(h), n, d, v);
                compare("affine_coupling out", sz, k.download(out, n * d * v), f[0], 1e-5);
                compare("affine_coupling logdet", sz, k.download(ld, n * v), f[1], 1e-5);
                double[][] b = AffineCouplingRef.backward(dbl(y), dbl(h), dbl(go), dbl(gld), n, d, v);
                compare("affine_coupling dy", sz, k.download(gy, n * d * v), b[0], 1e-5);
                compare("affine_coupling dh", sz, k.download(gh, n * hc * v), b[1], 1e-5);
                if (v > 10000) {
                    report("affine_coupling forward", sz, k.timeMs(() -> k.affineCouplingForward(dY, dH, out, ld, n, d, v), 3, 21),
                            4.0 * ((2L * d + hc) * n * v + n * v));
                    report("affine_coupling backward", sz, k.timeMs(() -> k.affineCouplingBackward(dY, dH, dGo, dGl, gy, gh, n, d, v), 3, 21),
                            4.0 * ((3L * d + 2L * hc) * n * v + n * v));
                }
            } finally {
                k.free(dY, dH, dGo, dGl, out, ld, gy, gh);
            }
        }
    }

    @Test
    void perVoxelMatmul() {
        needGpu();
        Random rnd = new Random(3);
        // N, p, d, V: square and rectangular W, the 64-channel limit, a single voxel, V not a multiple of the tiles
        for (int[] sz : new int[][]{{2, 3, 3, 4099}, {1, 1, 1, 1}, {3, 17, 5, 131}, {1, 64, 64, 517}, {2, 16, 16, 65537}, {2, 5, 64, 33}}) {
            int n = sz[0], p = sz[1], d = sz[2], v = sz[3];
            float[] w = rand(rnd, p * d, -1, 1), x = rand(rnd, n * d * v, -2, 2), g = rand(rnd, n * p * v, -1, 1);
            CUdeviceptr dW = k.upload(w), dX = k.upload(x), dG = k.upload(g);
            CUdeviceptr y = k.alloc((long) n * p * v), gx = k.alloc((long) n * d * v), gw = k.alloc((long) p * d);
            try {
                k.perVoxelMatmul(dW, dX, y, n, p, d, v);
                k.perVoxelMatmulBackwardX(dW, dG, gx, n, p, d, v);
                k.perVoxelMatmulBackwardW(dG, dX, gw, n, p, d, v);
                double[] wd = dbl(w), xd = dbl(x), gd = dbl(g);
                compare("per_voxel_matmul y", sz, k.download(y, n * p * v), PerVoxelMatmulRef.forward(wd, xd, n, p, d, v),
                        1e-6 * d, PerVoxelMatmulRef.forward(abs(wd), abs(xd), n, p, d, v));
                compare("per_voxel_matmul dx", sz, k.download(gx, n * d * v), PerVoxelMatmulRef.backwardX(wd, gd, n, p, d, v),
                        1e-6 * p, PerVoxelMatmulRef.backwardX(abs(wd), abs(gd), n, p, d, v));
                // dW sums n·v products: tolerance relative to the sum of their magnitudes
                compare("per_voxel_matmul dW", sz, k.download(gw, p * d), PerVoxelMatmulRef.backwardW(gd, xd, n, p, d, v),
                        2e-6 * Math.sqrt((double) n * v), PerVoxelMatmulRef.backwardW(abs(gd), abs(xd), n, p, d, v));
                if (v > 10000) {
                    report("per_voxel_matmul forward", sz, k.timeMs(() -> k.perVoxelMatmul(dW, dX, y, n, p, d, v), 3, 21),
                            4.0 * (long) n * (p + d) * v);
                    report("per_voxel_matmul dx", sz, k.timeMs(() -> k.perVoxelMatmulBackwardX(dW, dG, gx, n, p, d, v), 3, 21),
                            4.0 * (long) n * (p + d) * v);
                    report("per_voxel_matmul dW", sz, k.timeMs(() -> k.perVoxelMatmulBackwardW(dG, dX, gw, n, p, d, v), 3, 21),
                            4.0 * (long) n * (p + d) * v);
                }
            } finally {
                k.free(dW, dX, dG, y, gx, gw);
            }
        }
    }

    // ---- helpers ----

    private static float[] rand(Random rnd, int len, double lo, double hi) {
        float[] a = new float[len];
        for (int i = 0; i < len; i++) a[i] = (float) (lo + (hi - lo) * rnd.nextDouble());
        return a;
    }

    private static double[] dbl(float[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = a[i];
        return d;
    }

    private static double[] abs(double[] a) {
        double[] d = new double[a.length];
        for (int i = 0; i < a.length; i++) d[i] = Math.abs(a[i]);
        return d;
    }

    /** |got − want| ≤ rtol·(1 + |want|) element-wise. */
    private static void compare(String what, int[] sz, float[] got, double[] want, double rtol) {
        double[] mag = new double[want.length];
        for (int i = 0; i < want.length; i++) mag[i] = Math.abs(want[i]);
        compare(what, sz, got, want, rtol, mag);
    }

    /** |got − want| ≤ rtol·(1 + mag), mag bounding the size of the terms that were summed. */
    private static void compare(String what, int[] sz, float[] got, double[] want, double rtol, double[] mag) {
        if (got.length != want.length) throw new AssertionError(what + " " + java.util.Arrays.toString(sz) + ": length");
        double worst = 0;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]), tol = rtol * (1 + mag[i]);
            if (!(err <= tol))
                throw new AssertionError(what + " " + java.util.Arrays.toString(sz) + ": element " + i + ": gpu " + got[i]
                        + " vs reference " + want[i] + " (tolerance " + tol + ")");
            worst = Math.max(worst, err / (1 + mag[i]));
        }
        System.err.printf("DensityKernelsGpuTest: %-24s %-18s ok, worst scaled error %.2e%n", what, java.util.Arrays.toString(sz), worst);
    }

    private static void report(String what, int[] sz, double ms, double bytes) {
        System.err.printf("DensityKernelsGpuTest: %-26s %-20s %8.4f ms  %7.1f GB/s (minimal traffic)%n",
                what, java.util.Arrays.toString(sz), ms, bytes / ms / 1e6);
    }
}
