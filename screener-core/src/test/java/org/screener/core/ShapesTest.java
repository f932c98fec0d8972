package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Shapes;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapesTest {
    static int[] v(int... a) { return a; }

    static Tensor arange(Backend be, int... shape) {
        float[] d = new float[(int) Shape.numel(shape)];
        for (int i = 0; i < d.length; i++) d[i] = i;
        return Tensor.of(be, d, shape);
    }

    static Backend[] backends() { return new Backend[]{GradCheck.ref(), CpuVsRef.cpu()}; }

    @Test
    void valuesByHand() {
        for (Backend be : backends()) {
            Tensor x = arange(be, 2, 3);                       // [[0 1 2] [3 4 5]]
            assertArrayEquals(new float[]{0, 3, 1, 4, 2, 5}, Shapes.permute(x, 1, 0).toArray());
            assertArrayEquals(v(3, 2), Shapes.permute(x, 1, 0).shape());
            Tensor y = arange(be, 2, 3, 4);
            Tensor p = Shapes.permute(y, 2, 0, 1);             // p[k, i, j] = y[i, j, k] = 12i + 4j + k
            assertArrayEquals(v(4, 2, 3), p.shape());
            float[] pv = p.toArray();
            for (int k = 0; k < 4; k++) for (int i = 0; i < 2; i++) for (int j = 0; j < 3; j++)
                assertTrue(pv[(k * 2 + i) * 3 + j] == 12 * i + 4 * j + k);
            assertArrayEquals(new float[]{0, 1, 2, 0, 1, 3, 4, 5, 2, 3},
                    Shapes.concat(1, x, arange(be, 2, 2)).toArray());
            assertArrayEquals(new float[]{0, 1, 2, 3, 4, 5, 0, 1, 2}, Shapes.concat(0, x, arange(be, 1, 3)).toArray());
            assertArrayEquals(new float[]{1, 2, 4, 5}, Shapes.slice(x, 1, 1, 3).toArray());
            assertArrayEquals(new float[]{3, 4, 5}, Shapes.slice(x, -2, 1, 2).toArray());
            assertArrayEquals(new float[]{0, 0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 5, 0},
                    Shapes.pad(x, v(1, 1), v(0, 1)).toArray());
            assertArrayEquals(new float[]{4, 5}, Shapes.crop(x, v(1, 1), v(1, 2)).toArray());
            // replicate padding of a 1x2x2 volume by (0,1,1) low and (1,0,1) high
            Tensor z = arange(be, 1, 2, 2);                    // [[0 1] [2 3]]
            Tensor zp = Shapes.padReplicate(z, v(0, 1, 1), v(1, 0, 1));
            assertArrayEquals(v(2, 3, 4), zp.shape());
            float[] plane = {0, 0, 1, 1, 0, 0, 1, 1, 2, 2, 3, 3};
            float[] both = new float[24];
            System.arraycopy(plane, 0, both, 0, 12);
            System.arraycopy(plane, 0, both, 12, 12);
            assertArrayEquals(both, zp.toArray());
        }
    }

    @Test
    void cropOrPadAnchorsAtOrigin() {
        for (Backend be : backends()) {
            Tensor x = arange(be, 1, 1, 2, 3, 1);              // D=2, H=3, W=1: values (d*3 + h)
            Tensor y = Shapes.cropOrPad(x, v(3, 2, 2));      // D: pad 1 (replicate d=1), H: crop to 2, W: pad 1
            assertArrayEquals(v(1, 1, 3, 2, 2), y.shape());
            assertArrayEquals(new float[]{0, 0, 1, 1, 3, 3, 4, 4, 3, 3, 4, 4}, y.toArray());
            assertTrue(Shapes.cropOrPad(x, v(2, 3, 1)) == x, "no-op returns the input");
        }
    }

    @Test
    void gatherVoxelsWithRepeatedIndicesAccumulates() {
        for (Backend be : backends()) {
            Tensor x = arange(be, 2, 3, 1, 2, 2).requiresGrad(true);   // V = 4; x[n, c, v] = 12n + 4c + v
            int[] idx = {5, 0, 5, 3, 5};                                 // n=1,v=1 three times
            Tensor g = Shapes.gatherVoxels(x, idx);
            assertArrayEquals(v(5, 3), g.shape());
            assertArrayEquals(new float[]{13, 17, 21, 0, 4, 8, 13, 17, 21, 3, 7, 11, 13, 17, 21}, g.toArray());
            g.sum().backward();
            float[] expected = new float[24];
            for (int c = 0; c < 3; c++) { expected[12 + 4 * c + 1] = 3; expected[4 * c] = 1; expected[4 * c + 3] = 1; }
            assertArrayEquals(expected, x.grad().toArray(), be.name());
        }
    }

    @Test
    void gradcheck() {
        Random rnd = new Random(8);
        Tensor a = GradCheck.input(rnd, -1, 1, 2, 3, 2, 3, 2);
        Tensor b = GradCheck.input(rnd, -1, 1, 2, 1, 2, 3, 2);
        GradCheck.check("permute", t -> Shapes.permute(t[0], 4, 2, 0, 3, 1), a);
        GradCheck.check("concat", t -> Shapes.concat(1, t[0], t[1], t[0]), a, b);
        GradCheck.check("slice", t -> Shapes.slice(t[0], 3, 1, 3), a);
        GradCheck.check("pad", t -> Shapes.pad(t[0], v(0, 1, 0, 2, 1), v(1, 0, 1, 0, 1)), a);
        GradCheck.check("padReplicate", t -> Shapes.padReplicate(t[0], v(2, 0, 1), v(1, 3, 2)), a);
        GradCheck.check("crop", t -> Shapes.crop(t[0], v(1, 0, 1, 1, 0), v(1, 2, 1, 2, 2)), a);
        GradCheck.check("cropOrPad", t -> Shapes.cropOrPad(t[0], v(4, 2, 3)), a);
        GradCheck.check("gatherVoxels", t -> Shapes.gatherVoxels(t[0], new int[]{0, 13, 13, 23, 5, 13}), a);
    }

    @Test
    void cpuMatchesRef() {
        Random rnd = new Random(9);
        Tensor a = GradCheck.input(rnd, -1, 1, 3, 5, 7, 2, 3);
        Tensor b = GradCheck.input(rnd, -1, 1, 3, 2, 7, 2, 3);
        CpuVsRef.check("permute", t -> Shapes.permute(t[0], 2, 4, 0, 3, 1), 1e-6, a);
        CpuVsRef.check("permute last two", t -> Shapes.permute(t[0], 0, 1, 2, 4, 3), 1e-6, a);
        CpuVsRef.check("permute keeping the last axis", t -> Shapes.permute(t[0], 3, 1, 0, 2, 4), 1e-6, a);
        Tensor big = GradCheck.input(rnd, -1, 1, 2, 37, 300);   // several tiles, ragged edges
        CpuVsRef.check("permute (N,C,V)->(N,V,C)", t -> Shapes.permute(t[0], 0, 2, 1), 1e-6, big);
        CpuVsRef.check("permute (N,C,V)->(V,C,N)", t -> Shapes.permute(t[0], 2, 1, 0), 1e-6, big);
        CpuVsRef.check("concat", t -> Shapes.concat(1, t[0], t[1]), 1e-6, a, b);
        CpuVsRef.check("concat last axis", t -> Shapes.concat(-1, t[0], t[0]), 1e-6, a);
        CpuVsRef.check("slice", t -> Shapes.slice(t[0], 2, 2, 7), 1e-6, a);
        CpuVsRef.check("pad", t -> Shapes.pad(t[0], v(1, 0, 3, 1, 2), v(0, 2, 1, 0, 3)), 1e-6, a);
        CpuVsRef.check("padReplicate", t -> Shapes.padReplicate(t[0], v(3, 1, 2), v(2, 4, 5)), 1e-6, a);
        CpuVsRef.check("crop", t -> Shapes.crop(t[0], v(1, 2, 3, 0, 1), v(2, 3, 3, 2, 2)), 1e-6, a);
        CpuVsRef.check("cropOrPad", t -> Shapes.cropOrPad(t[0], v(5, 5, 2)), 1e-6, a);
        int[] idx = new int[97];
        for (int i = 0; i < idx.length; i++) idx[i] = rnd.nextInt(3 * 42) % 20;   // many repeats
        CpuVsRef.check("gatherVoxels", t -> Shapes.gatherVoxels(t[0], idx), 1e-6, a);
        Tensor r2 = GradCheck.input(rnd, -1, 1, 7, 3);
        CpuVsRef.check("permute rank 2", t -> Shapes.permute(t[0], 1, 0), 1e-6, r2);
    }

    @Test
    void copyBoxAccumulatesAndMatchesRef() {
        Random rnd = new Random(15);
        int[] ss = {3, 4, 5, 6}, ds = {2, 7, 5, 9}, box = {2, 3, 4, 5};
        int[] sStart = {1, 1, 0, 1}, dStart = {0, 2, 1, 3};
        Tensor src = Tensor.rand(GradCheck.ref(), rnd, -1, 1, ss), dst = Tensor.rand(GradCheck.ref(), rnd, -1, 1, ds);
        double[] expected = dst.toDoubleArray(), sv = src.toDoubleArray();
        // obviously-correct nested loops
        for (int a = 0; a < box[0]; a++) for (int b = 0; b < box[1]; b++) for (int c = 0; c < box[2]; c++) for (int d = 0; d < box[3]; d++) {
            int si = (((a + sStart[0]) * ss[1] + b + sStart[1]) * ss[2] + c + sStart[2]) * ss[3] + d + sStart[3];
            int di = (((a + dStart[0]) * ds[1] + b + dStart[1]) * ds[2] + c + dStart[2]) * ds[3] + d + dStart[3];
            expected[di] += sv[si];
        }
        for (Backend be : backends()) {
            Tensor s2 = Tensor.ofDouble(be, sv, ss), d2 = Tensor.ofDouble(be, dst.toDoubleArray(), ds);   // fresh copies
            be.copyBox(s2.storage(), ss, sStart, d2.storage(), ds, dStart, box, true);
            CpuVsRef.assertClose("copyBox accumulate on " + be.name(), expected, d2.toDoubleArray(), 1e-6, 1e-6);
        }
    }

    @Test
    void padReplicateWiderThanInput() {
        Random rnd = new Random(16);
        Tensor a = GradCheck.input(rnd, -1, 1, 2, 1, 2, 1, 2);
        GradCheck.check("padReplicate wide", t -> Shapes.padReplicate(t[0], v(3, 2, 5), v(4, 1, 6)), a);
        CpuVsRef.check("padReplicate wide", t -> Shapes.padReplicate(t[0], v(3, 2, 5), v(4, 1, 6)), 1e-6, a);
        for (Backend be : backends()) {
            Tensor x = Tensor.of(be, new float[]{1, 2}, 1, 1, 2);
            assertArrayEquals(new float[]{1, 1, 1, 1, 2, 2, 2}, Shapes.padReplicate(x, v(0, 0, 3), v(0, 0, 2)).toArray());
        }
    }

    @Test
    void errorsNameOpAndShapes() {
        Tensor x = Tensor.zeros(2, 3, 4);
        assertMsg(() -> Shapes.permute(x, 0, 0, 1), "permute", "[2, 3, 4]");
        assertMsg(() -> Shapes.concat(0, x, Tensor.zeros(2, 2, 4)), "concat", "[2, 2, 4]");
        assertMsg(() -> Shapes.slice(x, 1, 2, 5), "slice", "[2, 3, 4]");
        assertMsg(() -> Shapes.pad(x, v(1, 1), v(1, 1)), "pad", "[2, 3, 4]");
        assertMsg(() -> Shapes.crop(x, v(0, 0, 0), v(3, 1, 1)), "crop", "[2, 3, 4]");
        assertMsg(() -> Shapes.padReplicate(Tensor.zeros(3, 4), v(1, 1, 1), v(1, 1, 1)), "padReplicate", "[3, 4]");
        assertMsg(() -> Shapes.cropOrPad(x, v(1, 1)), "cropOrPad", "[2, 3, 4]");
        assertMsg(() -> Shapes.gatherVoxels(Tensor.zeros(1, 2, 2, 2, 2), v(8)), "gatherVoxels", "[1, 2, 2, 2, 2]");
    }

    private static void assertMsg(org.junit.jupiter.api.function.Executable e, String op, String shape) {
        IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
        assertTrue(ex.getMessage().contains(op) && ex.getMessage().contains(shape), ex.getMessage());
    }
}
