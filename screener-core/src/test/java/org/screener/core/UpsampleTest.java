package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Spatial;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UpsampleTest {
    static int[] v(int... a) { return a; }

    static Backend[] backends() { return new Backend[]{GradCheck.ref(), CpuVsRef.cpu()}; }

    @Test
    void trilinearTwoToFourMatchesHandComputedPyTorchValues() {
        // align_corners=false, 2 -> 4 along an axis: sources -0.25 (clamped to 0), 0.25, 0.75, 1.25 (upper clamp),
        // so a linear ramp [0, 1] becomes [0, 0.25, 0.75, 1]. x = 4d + 2h + w is linear, so the 3D result is
        // 4 f(d) + 2 f(h) + f(w) with f = [0, .25, .75, 1].
        float[] f = {0f, 0.25f, 0.75f, 1f};
        float[] expected = new float[64];
        for (int d = 0; d < 4; d++) for (int h = 0; h < 4; h++) for (int w = 0; w < 4; w++)
            expected[(d * 4 + h) * 4 + w] = 4 * f[d] + 2 * f[h] + f[w];
        for (Backend be : backends()) {
            Tensor x = Tensor.of(be, new float[]{0, 1, 2, 3, 4, 5, 6, 7}, 1, 1, 2, 2, 2);
            assertArrayEquals(expected, Spatial.upsampleTrilinear(x, 2).toArray(), 1e-6f, be.name());
            assertArrayEquals(expected, Spatial.upsampleTrilinear(x, v(4, 4, 4)).toArray(), 1e-6f, be.name());
        }
    }

    @Test
    void nonIntegerRatiosByHand() {
        for (Backend be : backends()) {
            Tensor x = Tensor.of(be, new float[]{1, 2, 4}, 1, 1, 1, 1, 3);
            // 3 -> 5: sources -0.2 (->0), 0.4, 1.0, 1.6, 2.2 (upper clamp)
            assertArrayEquals(new float[]{1f, 1.4f, 2f, 3.2f, 4f}, Spatial.upsampleTrilinear(x, v(1, 1, 5)).toArray(), 1e-6f);
            // nearest: floor(o * 3 / 5) = 0, 0, 1, 1, 2
            assertArrayEquals(new float[]{1, 1, 2, 2, 4}, Spatial.upsampleNearest(x, v(1, 1, 5)).toArray());
            Tensor y = Tensor.of(be, new float[]{1, 2, 4, 8, 16, 32}, 1, 1, 6, 1, 1);
            // 6 -> 3 trilinear: sources 0.5, 2.5, 4.5 -> midpoints
            assertArrayEquals(new float[]{1.5f, 6f, 24f}, Spatial.upsampleTrilinear(y, v(3, 1, 1)).toArray(), 1e-6f);
            // 6 -> 3 nearest: floor(o * 2) = 0, 2, 4
            assertArrayEquals(new float[]{1, 4, 16}, Spatial.upsampleNearest(y, v(3, 1, 1)).toArray());
            // nearest x2 of a 1x1x2 volume -> 2x2x4: every row is [1, 1, 2, 2]
            Tensor z = Tensor.of(be, new float[]{1, 2}, 1, 1, 1, 1, 2);
            assertArrayEquals(new float[]{1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2, 1, 1, 2, 2}, Spatial.upsampleNearest(z, 2).reshape(-1).toArray());
        }
    }

    @Test
    void gradcheck() {
        Random rnd = new Random(5);
        Tensor x = GradCheck.input(rnd, -1, 1, 2, 2, 3, 4, 5);
        GradCheck.check("trilinear x2", t -> Spatial.upsampleTrilinear(t[0], 2), x);
        GradCheck.check("trilinear 3x4x5 -> 5x7x3", t -> Spatial.upsampleTrilinear(t[0], v(5, 7, 3)), x);
        GradCheck.check("trilinear 3x4x5 -> 2x3x7", t -> Spatial.upsampleTrilinear(t[0], v(2, 3, 7)), x);
        GradCheck.check("nearest x2", t -> Spatial.upsampleNearest(t[0], 2), x);
        GradCheck.check("nearest 3x4x5 -> 5x3x7", t -> Spatial.upsampleNearest(t[0], v(5, 3, 7)), x);
        Tensor y = GradCheck.input(rnd, -1, 1, 1, 2, 6, 5, 1);
        GradCheck.check("trilinear 6x5x1 -> 3x7x2", t -> Spatial.upsampleTrilinear(t[0], v(3, 7, 2)), y);
    }

    @Test
    void cpuMatchesRef() {
        Random rnd = new Random(6);
        Tensor x = GradCheck.input(rnd, -1, 1, 2, 3, 5, 7, 3);
        int[][] outs = {{10, 14, 6}, {7, 5, 11}, {3, 3, 2}, {5, 7, 3}, {13, 2, 1}};
        for (int[] o : outs) {
            CpuVsRef.check("trilinear -> " + java.util.Arrays.toString(o), t -> Spatial.upsampleTrilinear(t[0], o), 1e-5, x);
            CpuVsRef.check("nearest -> " + java.util.Arrays.toString(o), t -> Spatial.upsampleNearest(t[0], o), 1e-6, x);
        }
        CpuVsRef.check("trilinear x3", t -> Spatial.upsampleTrilinear(t[0], 3), 1e-5, x);
    }

    @Test
    void badSizesNameOp() {
        Tensor x = Tensor.zeros(1, 1, 2, 2, 2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Spatial.upsampleTrilinear(x, v(0, 2, 2)));
        assertTrue(e.getMessage().contains("upsampleTrilinear") && e.getMessage().contains("[1, 1, 2, 2, 2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Spatial.upsampleNearest(Tensor.zeros(2, 2), 2));
        assertTrue(e.getMessage().contains("upsampleNearest") && e.getMessage().contains("[2, 2]"), e.getMessage());
    }
}
