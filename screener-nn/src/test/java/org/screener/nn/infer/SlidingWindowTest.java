package org.screener.nn.infer;

import org.junit.jupiter.api.Test;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class SlidingWindowTest {
    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static final PatchFunction IDENTITY = (patches, off) -> patches;

    static void assertClose(float[] want, float[] got, double tol) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++)
            assertEquals(want[i], got[i], tol * Math.max(1, Math.abs(want[i])), "index " + i);
    }

    @Test
    void identityReturnsInputForAwkwardSizesAndOverlaps() {
        int[] dims = {37, 50, 23};
        float[] vol = random(37 * 50 * 23, 1);
        // Equal to the input up to float rounding of the weighted float sum (up to 5³ patches overlap at
        // 0.8; worst seen 1.1e-6 relative). A misplaced patch would give O(1) errors on this random input.
        for (double overlap : new double[]{0, 0.25, 0.5, 0.8}) {
            for (int batch : new int[]{1, 3}) {
                var res = SlidingWindow.run(vol, dims, IDENTITY,
                        new SlidingWindow.Options().patch(16, 16, 16).overlap(overlap).batchSize(batch));
                assertEquals(1, res.channels());
                assertClose(vol, res.data(), 4e-6);
            }
        }
    }

    @Test
    void identityOnVolumeSmallerThanPatch() {
        int[] dims = {5, 20, 7}; // H is larger than the patch, D and W smaller
        float[] vol = random(5 * 20 * 7, 2);
        for (var mode : SlidingWindow.PadMode.values()) {
            List<int[]> seen = new ArrayList<>();
            var res = SlidingWindow.run(vol, dims, (p, off) -> {
                for (int[] o : off) seen.add(o.clone());
                return p;
            }, new SlidingWindow.Options().patch(8, 16, 12).pad(mode, -3f));
            assertClose(vol, res.data(), 4e-6);
            // Symmetric padding: D 5 -> 8 puts 1 voxel before, W 7 -> 12 puts 2 before.
            for (int[] o : seen) {
                assertEquals(-1, o[0]);
                assertEquals(-2, o[2]);
            }
            assertEquals(2, seen.size()); // H = 20 with patch 16, stride 8: starts 0 and 4
        }
    }

    @Test
    void paddingValuesReachThePatchFunction() {
        int[] dims = {2, 2, 2};
        float[] vol = {1, 2, 3, 4, 5, 6, 7, 8};
        float[][] got = new float[1][];
        SlidingWindow.run(vol, dims, (p, off) -> { got[0] = p.toArray(); return p; },
                new SlidingWindow.Options().patch(2, 2, 4).pad(SlidingWindow.PadMode.CONSTANT, 9f));
        // W padded 2 -> 4 with one voxel each side.
        assertArrayEquals(new float[]{9, 1, 2, 9, 9, 3, 4, 9, 9, 5, 6, 9, 9, 7, 8, 9}, got[0]);
        SlidingWindow.run(vol, dims, (p, off) -> { got[0] = p.toArray(); return p; },
                new SlidingWindow.Options().patch(2, 2, 4).pad(SlidingWindow.PadMode.REPLICATE, 9f));
        assertArrayEquals(new float[]{1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8}, got[0]);
    }

    @Test
    void constantFunctionGivesConstantWithSeveralChannels() {
        int[] dims = {19, 11, 30};
        float[] vol = random(19 * 11 * 30, 3);
        var res = SlidingWindow.run(vol, dims, (p, off) -> {
            int[] s = p.shape();
            float[] o = new float[2 * s[2] * s[3] * s[4]];
            int half = o.length / 2;
            for (int i = 0; i < o.length; i++) o[i] = i < half ? 2.5f : -7f;
            return Tensor.of(p.backend(), o, 2, s[2], s[3], s[4]); // (C, pd, ph, pw) form
        }, new SlidingWindow.Options().patch(8, 8, 8).overlap(0.6));
        assertEquals(2, res.channels());
        int n = 19 * 11 * 30;
        for (int i = 0; i < n; i++) {
            assertEquals(2.5f, res.data()[i], 1e-5);
            assertEquals(-7f, res.data()[n + i], 1e-5);
        }
        assertEquals(2, res.toTensor(Backends.getDefault()).shape()[0]);
    }

    /** Output channels = global (z, y, x) of each voxel, from the offset; any misplaced patch shows up. */
    @Test
    void positionEncodingCoversEveryVoxelWithTheRightPatch() {
        int[] dims = {13, 29, 6};
        float[] vol = new float[13 * 29 * 6];
        int[] p = {5, 7, 9};
        var res = SlidingWindow.run(vol, dims, (patches, off) -> {
            int b = patches.dim(0);
            float[] o = new float[b * 3 * p[0] * p[1] * p[2]];
            int k = 0;
            for (int i = 0; i < b; i++)
                for (int ch = 0; ch < 3; ch++)
                    for (int z = 0; z < p[0]; z++)
                        for (int y = 0; y < p[1]; y++)
                            for (int x = 0; x < p[2]; x++)
                                o[k++] = off[i][ch] + (ch == 0 ? z : ch == 1 ? y : x);
            return Tensor.of(patches.backend(), o, b, 3, p[0], p[1], p[2]);
        }, new SlidingWindow.Options().patch(p[0], p[1], p[2]).overlap(0.3).batchSize(4));
        int n = vol.length, v = 0;
        for (int z = 0; z < 13; z++)
            for (int y = 0; y < 29; y++)
                for (int x = 0; x < 6; x++, v++) {
                    assertEquals(z, res.data()[v], 1e-4);
                    assertEquals(y, res.data()[n + v], 1e-4);
                    assertEquals(x, res.data()[2 * n + v], 1e-4);
                }
    }

    @Test
    void startsCoverExactlyWithLastFlush() {
        assertArrayEquals(new int[]{0, 8, 16, 21}, SlidingWindow.starts(37, 16, 0.5));
        assertArrayEquals(new int[]{0}, SlidingWindow.starts(16, 16, 0.5));
        assertArrayEquals(new int[]{0, 16, 21}, SlidingWindow.starts(37, 16, 0));
        assertArrayEquals(new int[]{0, 1, 2}, SlidingWindow.starts(4, 2, 0.9)); // stride never below 1
    }

    @Test
    void gaussianWeightsMatchDirectFormula() {
        int[] p = {6, 9, 4};
        double s = 0.125;
        float[] m = SlidingWindow.importanceMap(p, s);
        // Direct 3D formula: exp(-|v - c|^2_sigma / 2) around the exact centre c, clamped at 1e-3 (MONAI).
        int k = 0;
        for (int z = 0; z < p[0]; z++)
            for (int y = 0; y < p[1]; y++)
                for (int x = 0; x < p[2]; x++) {
                    double q = sq((z - 2.5) / (s * 6)) + sq((y - 4.0) / (s * 9)) + sq((x - 1.5) / (s * 4));
                    double want = Math.max(Math.exp(-0.5 * q), 1e-3);
                    assertEquals(want, m[k++], 1e-6 * want + 1e-9, "at " + z + "," + y + "," + x);
                }
    }

    @Test
    void gaussianWeightsAreSymmetricAndPeakAtOneAtTheCentre() {
        int[] p = {5, 7, 3};
        float[] m = SlidingWindow.importanceMap(p, 0.3);
        assertEquals(1f, m[(2 * 7 + 3) * 3 + 1]);
        for (int z = 0; z < 5; z++)
            for (int y = 0; y < 7; y++)
                for (int x = 0; x < 3; x++)
                    assertEquals(m[(z * 7 + y) * 3 + x], m[((4 - z) * 7 + 6 - y) * 3 + 2 - x]);
    }

    static double sq(double v) { return v * v; }

    /** Two patches along W with different constants: in the overlap the result is the hand-computed average. */
    @Test
    void twoConstantPatchesBlendByWeights() {
        int[] dims = {1, 1, 6};
        int[] p = {1, 1, 4};
        double sigma = 0.125 * 4;
        var res = SlidingWindow.run(new float[6], dims, (patches, off) ->
                        Tensor.full(patches.backend(), off[0][2] == 0 ? 10f : 20f, 1, 1, 1, 1, 4),
                new SlidingWindow.Options().patch(1, 1, 4).overlap(0.5));
        // Patches start at 0 and 2; 1D weights w(i) = exp(-(i-1.5)^2/(2 sigma^2)) (>= 1e-3, times 1 for D, H).
        double[] w = new double[4];
        for (int i = 0; i < 4; i++) w[i] = Math.max(Math.exp(-sq(i - 1.5) / (2 * sigma * sigma)), 1e-3);
        double[] want = {10, 10, (10 * w[2] + 20 * w[0]) / (w[2] + w[0]), (10 * w[3] + 20 * w[1]) / (w[3] + w[1]), 20, 20};
        for (int i = 0; i < 6; i++) assertEquals(want[i], res.data()[i], 1e-5, "x=" + i);
        assertNotEquals(15.0, want[2], 0.5); // the Gaussian weights make the blend asymmetric, not a plain mean
    }

    @Test
    void progressReportsEveryBatchAndRunsWithoutGrad() {
        List<int[]> calls = new ArrayList<>();
        boolean[] gradOn = {true};
        SlidingWindow.run(new float[10 * 10 * 10], new int[]{10, 10, 10}, (p, off) -> {
                    gradOn[0] = Autograd.isEnabled();
                    return p;
                },
                new SlidingWindow.Options().patch(4, 4, 4).batchSize(5).progress((d, t) -> calls.add(new int[]{d, t})));
        assertFalse(gradOn[0]);
        // 4 starts per axis (0, 2, 4, 6) -> 64 patches in batches of 5 -> 13 calls, last one (64, 64).
        assertEquals(13, calls.size());
        assertArrayEquals(new int[]{5, 64}, calls.get(0));
        assertArrayEquals(new int[]{64, 64}, calls.get(12));
    }

    @Test
    void badInputsAreRejectedWithClearMessages() {
        var e = assertThrows(IllegalArgumentException.class,
                () -> SlidingWindow.run(new float[5], new int[]{2, 2, 2}, IDENTITY));
        assertTrue(e.getMessage().contains("volume has 5 values"));
        e = assertThrows(IllegalArgumentException.class, () -> SlidingWindow.run(new float[8], new int[]{2, 2, 2},
                (p, off) -> Tensor.zeros(p.backend(), 1, 1, 3, 3, 3), new SlidingWindow.Options().patch(2, 2, 2)));
        assertTrue(e.getMessage().contains("must return"));
        assertThrows(IllegalArgumentException.class, () -> new SlidingWindow.Options().overlap(1.0));
    }

    /**
     * The blend on the backend gives bit for bit the map of the host blending it replaced (kept here as the
     * reference: float imp·r summed in window order, double weight sums, one double multiply per voxel), for a
     * non-linear two-channel patch function, partial windows, padding and batches.
     */
    @Test
    void backendBlendIsBitIdenticalToTheHostBlend() {
        int[][] cases = {{7, 9, 11, 4, 5, 6, 1}, {3, 10, 6, 4, 4, 8, 3}, {12, 5, 9, 5, 5, 5, 2}};
        for (int[] t : cases) {
            int[] dims = {t[0], t[1], t[2]}, patch = {t[3], t[4], t[5]};
            float[] vol = random(dims[0] * dims[1] * dims[2], 17 + t[0]);
            // x³ and x² + 0.3: exact per element whatever the batch (the vector exp rounds by lane position)
            PatchFunction fn = (pt, off) -> org.screener.core.ops.Shapes.concat(1, pt.square().mul(pt), pt.square().add(0.3f));
            SlidingWindow.Options o = new SlidingWindow.Options().patch(patch[0], patch[1], patch[2]).overlap(0.4)
                    .batchSize(t[6]).pad(SlidingWindow.PadMode.REPLICATE, 0f);
            float[] got = SlidingWindow.run(vol, dims, fn, o).data();
            float[] want = hostBlend(vol, dims, patch, 0.4, 0.125, fn);
            assertEquals(want.length, got.length);
            for (int i = 0; i < want.length; i++)
                assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), "case " + java.util.Arrays.toString(t) + " at " + i);
        }
    }

    /** The host blending SlidingWindow did before the backend one, window by window (replicate padding). */
    private static float[] hostBlend(float[] vol, int[] dims, int[] p, double overlap, double sigma, PatchFunction fn) {
        int D = dims[0], H = dims[1], W = dims[2], pv = p[0] * p[1] * p[2];
        long nvox = (long) D * H * W;
        int[] before = new int[3];
        int[][] st = new int[3][];
        for (int a = 0; a < 3; a++) {
            int padded = Math.max(dims[a], p[a]);
            before[a] = (padded - dims[a]) / 2;
            st[a] = SlidingWindow.starts(padded, p[a], overlap);
        }
        float[] imp = SlidingWindow.importanceMap(p, sigma);
        double[] weight = new double[(int) nvox];
        float[] out = null;
        int c = 0;
        try (var g = Autograd.noGrad()) {
            for (int sz : st[0]) for (int sy : st[1]) for (int sx : st[2]) {
                int[] off = {sz - before[0], sy - before[1], sx - before[2]};
                float[] in = new float[pv];
                for (int z = 0, k = 0; z < p[0]; z++) for (int y = 0; y < p[1]; y++) for (int x = 0; x < p[2]; x++, k++) {
                    int cz = Math.min(Math.max(off[0] + z, 0), D - 1), cy = Math.min(Math.max(off[1] + y, 0), H - 1), cx = Math.min(Math.max(off[2] + x, 0), W - 1);
                    in[k] = vol[(cz * H + cy) * W + cx];
                }
                float[] r = fn.apply(Tensor.of(Backends.getDefault(), in, 1, 1, p[0], p[1], p[2]), new int[][]{off}).toArray();
                c = r.length / pv;
                if (out == null) out = new float[(int) (c * nvox)];
                for (int z = Math.max(0, -off[0]); z < Math.min(p[0], D - off[0]); z++)
                    for (int y = Math.max(0, -off[1]); y < Math.min(p[1], H - off[1]); y++)
                        for (int x = Math.max(0, -off[2]); x < Math.min(p[2], W - off[2]); x++) {
                            int pr = (z * p[1] + y) * p[2] + x, vr = ((off[0] + z) * H + off[1] + y) * W + off[2] + x;
                            weight[vr] += imp[pr];
                            for (int ch = 0; ch < c; ch++) out[(int) (ch * nvox) + vr] += imp[pr] * r[ch * pv + pr];
                        }
            }
        }
        for (int v = 0; v < nvox; v++) {
            double inv = 1.0 / weight[v];
            for (int ch = 0; ch < c; ch++) out[(int) (ch * nvox) + v] = (float) (out[(int) (ch * nvox) + v] * inv);
        }
        return out;
    }
}
