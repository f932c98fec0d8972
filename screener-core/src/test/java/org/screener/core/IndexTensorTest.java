package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Shapes;

import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** int32 storage, IndexTensor, the one-hot kernel and gatherVoxels with indices on the backend. */
class IndexTensorTest {
    private static Backend[] backends() { return new Backend[]{TestUtil.cpu(), TestUtil.ref()}; }

    @Test
    void intStorageRoundTripsAndIsZeroFilled() {
        for (Backend be : backends()) {
            Storage s = be.allocateInt(7);
            assertEquals(7, s.size());
            int[] z = new int[7];
            be.readInt(s, 0, z, 0, 7);
            assertArrayEquals(new int[7], z, be.name());
            be.writeInt(s, 2, new int[]{9, Integer.MIN_VALUE, Integer.MAX_VALUE, -4}, 1, 3);
            int[] r = new int[5];
            be.readInt(s, 1, r, 1, 4);
            assertArrayEquals(new int[]{0, 0, Integer.MIN_VALUE, Integer.MAX_VALUE, -4}, r, be.name());
        }
    }

    @Test
    void floatAndIntStoragesAreNotInterchangeable() {
        for (Backend be : backends()) {
            Storage f = be.allocate(4), i = be.allocateInt(4);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> be.readInt(f, 0, new int[4], 0, 4));
            assertTrue(e.getMessage().contains("float") && e.getMessage().contains("int32"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.writeInt(f, 0, new int[4], 0, 4));
            assertTrue(e.getMessage().contains("allocateInt"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.read(i, 0, new float[4], 0, 4));
            assertTrue(e.getMessage().contains("int32 storage given where float"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> be.unary(UnaryOp.RELU, i, f, 4, 0, 0));
            assertTrue(e.getMessage().contains("int32 storage given where float"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> be.gatherVoxels(f, 1, 1, 4, f, 1, f));
        }
        Backend other = TestUtil.ref();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TestUtil.cpu().readInt(other.allocateInt(2), 0, new int[2], 0, 2));
        assertTrue(e.getMessage().contains("backend ref given to cpu"), e.getMessage());
    }

    @Test
    void defaultsWithoutIntStorageNameTheBackend() {
        Backend d = DefaultKernels.of(TestUtil.cpu(), "mydevice", Set.of("allocateInt", "writeInt", "readInt"));
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> d.allocateInt(3));
        assertTrue(e.getMessage().contains("mydevice"), e.getMessage());
        assertThrows(UnsupportedOperationException.class, () -> d.readInt(null, 0, new int[0], 0, 0));
        assertThrows(UnsupportedOperationException.class, () -> d.writeInt(null, 0, new int[0], 0, 0));
    }

    @Test
    void indexTensorBuildsChecksAndReadsBack() {
        for (Backend be : backends()) {
            IndexTensor t = IndexTensor.of(be, new int[]{4, 0, 9, 2});
            assertEquals(4, t.length());
            assertEquals(10, t.bound());
            assertArrayEquals(new int[]{4, 0, 9, 2}, t.toArray());
            assertEquals(0, IndexTensor.of(be, new int[0]).bound());
            assertEquals(12, IndexTensor.of(be, new int[]{3, 11}, 12).bound());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> IndexTensor.of(be, new int[]{3, 12}, 12));
            assertTrue(e.getMessage().contains("index[1] = 12 outside [0, 12)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> IndexTensor.of(be, new int[]{0, -2}));
            assertTrue(e.getMessage().contains("index[1] = -2"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> IndexTensor.wrap(be.allocateInt(2), 3, 5));
        }
    }

    /** The obvious one-hot on the host. */
    private static float[] oneHot(int[] t, int n, int c, int s) {
        float[] m = new float[n * c * s];
        for (int b = 0; b < n; b++) for (int p = 0; p < s; p++) m[(b * c + t[b * s + p]) * s + p] = 1;
        return m;
    }

    private static float[] runOneHot(Backend be, int[] t, int n, int c, int s) {
        Storage idx = be.allocateInt(t.length);
        be.writeInt(idx, 0, t, 0, t.length);
        Storage out = be.allocate((long) n * c * s);
        be.fill(out, 0, (long) n * c * s, 5f);   // overwritten, not accumulated
        be.oneHot(idx, n, c, s, out);
        float[] r = new float[n * c * s];
        be.read(out, 0, r, 0, r.length);
        return r;
    }

    @Test
    void oneHotCpuRefAndDefaultAgree() {
        Random rnd = new Random(12);
        Backend def = DefaultKernels.of(TestUtil.cpu(), "defaults", Set.of("oneHot"));
        int[][] sizes = {{1, 1, 1}, {3, 7, 1}, {2, 5, 13}, {5, 3, 4099}, {1, 257, 9}};
        for (int[] sz : sizes) {
            int n = sz[0], c = sz[1], s = sz[2];
            int[] t = new int[n * s];
            for (int i = 0; i < t.length; i++) t[i] = rnd.nextInt(c);
            float[] want = oneHot(t, n, c, s);
            assertArrayEquals(want, runOneHot(TestUtil.cpu(), t, n, c, s), "cpu");
            assertArrayEquals(want, runOneHot(TestUtil.ref(), t, n, c, s), "ref");
            assertArrayEquals(want, runOneHot(def, t, n, c, s), "default");
        }
        for (Backend be : new Backend[]{TestUtil.cpu(), TestUtil.ref(), def}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> runOneHot(be, new int[]{0, 3}, 2, 3, 1));
            assertTrue(e.getMessage().contains("index[1] = 3"), be.name() + ": " + e.getMessage());
        }
    }

    @Test
    void gatherVoxelsFromAnIndexTensor() {
        Random rnd = new Random(13);
        for (Backend be : backends()) {
            Tensor x = GradCheck.input(rnd, -1, 1, 2, 3, 2, 3, 5).to(be);   // N·V = 60
            int[] idx = new int[41];
            for (int i = 0; i < idx.length; i++) idx[i] = rnd.nextInt(60);
            idx[3] = idx[7] = 59;
            Tensor a = x.detach().requiresGrad(true), b = x.detach().requiresGrad(true);
            IndexTensor it = IndexTensor.of(be, idx);
            Tensor ga = Shapes.gatherVoxels(a, idx), gb = Shapes.gatherVoxels(b, it);
            assertArrayEquals(ga.toDoubleArray(), gb.toDoubleArray(), 0.0, be.name());
            ga.sum().backward();
            gb.sum().backward();
            assertArrayEquals(a.grad().toDoubleArray(), b.grad().toDoubleArray(), 0.0, be.name() + " gradient");
            assertArrayEquals(idx, it.toArray(), "indices untouched");
            // the bound, not the data, is checked: 60 voxels, indices bounded by 61
            IndexTensor wide = IndexTensor.of(be, new int[]{0, 1}, 61);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Shapes.gatherVoxels(x, wide));
            assertTrue(e.getMessage().contains("bounded by 61") && e.getMessage().contains("60 voxels"), e.getMessage());
            // a wrap that lies is caught by the kernel
            Storage bad = be.allocateInt(2);
            be.writeInt(bad, 0, new int[]{1, 60}, 0, 2);
            e = assertThrows(IllegalArgumentException.class, () -> Shapes.gatherVoxels(x, IndexTensor.wrap(bad, 2, 60)));
            assertTrue(e.getMessage().contains("index[1] = 60 outside [0, 60)"), be.name() + ": " + e.getMessage());
            Backend other = be == TestUtil.cpu() ? TestUtil.ref() : TestUtil.cpu();
            assertThrows(IllegalArgumentException.class, () -> Shapes.gatherVoxels(x, IndexTensor.of(other, new int[]{0})));
        }
        Tensor r = GradCheck.input(rnd, -1, 1, 2, 3, 2, 1, 3);
        IndexTensor it = IndexTensor.of(GradCheck.ref(), new int[]{0, 11, 11, 4, 6});
        GradCheck.check("gatherVoxels(IndexTensor)", t -> Shapes.gatherVoxels(t[0], it), r);
    }
}
