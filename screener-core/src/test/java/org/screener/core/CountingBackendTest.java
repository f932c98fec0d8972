package org.screener.core;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Activations;
import org.screener.core.ops.Conv;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Norms;
import org.screener.core.ops.Reductions;

import java.lang.reflect.Method;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CountingBackendTest {
    @Test
    void countsTensorTransfersExactly() {
        CountingBackend c = CountingBackend.wrap(CpuVsRef.cpu());
        Backend b = c.backend();
        Tensor t = Tensor.of(b, new float[]{1, 2, 3, 4, 5, 6, 7}, 7);
        assertEquals(1, c.writes());
        assertEquals(7 * 4, c.writeBytes());
        assertEquals(0, c.reads());
        assertArrayEquals(new float[]{1, 2, 3, 4, 5, 6, 7}, t.toArray());
        assertEquals(1, c.reads());
        assertEquals(7 * 4, c.readBytes());
        Tensor s = Reductions.sum(t);
        assertEquals(28f, s.item());
        assertEquals(2, c.reads());
        assertEquals(7 * 4 + 4, c.readBytes());
        assertEquals(1, c.writes());
        assertTrue(c.calls("reduceSum") >= 1, c.report());
        assertTrue(c.calls("allocate") + c.calls("allocateUninitialized") >= 2, c.report());

        // CpuBackend keeps the default readDouble, which calls read: one transfer, not two, of the host's doubles
        c.reset();
        assertEquals(0, c.reads());
        assertEquals(28.0, s.itemDouble());
        assertEquals(1, c.reads());
        assertEquals(8, c.readBytes());
        assertEquals(1, c.calls("readDouble"));
        assertEquals(1, c.calls("read"), "the nested read goes through the proxy too: " + c.report());
        assertTrue(c.report().contains("reads=1 (8 B) writes=0 (0 B)"), c.report());
    }

    @Test
    void partialTransfersCountTheirElementsOnly() {
        CountingBackend c = CountingBackend.wrap(GradCheck.ref());
        Backend b = c.backend();
        Storage s = b.allocate(10);
        b.write(s, 3, new float[]{9, 8, 7, 6}, 1, 2);
        b.writeDouble(s, 0, new double[]{1, 2, 3}, 0, 3);
        float[] back = new float[10];
        b.read(s, 0, back, 0, 10);
        assertArrayEquals(new float[]{1, 2, 3, 8, 7, 0, 0, 0, 0, 0}, back);
        assertEquals(2, c.writes());
        assertEquals(2 * 4 + 3 * 8, c.writeBytes());
        assertEquals(1, c.reads());
        assertEquals(40, c.readBytes());
    }

    @Test
    void defaultMethodRunsOnTheProxySoItsHostTrafficIsCounted() {
        // RefBackend does not override rowMoments: the default reads the row sums, divides on the host, writes them back
        Backend ref = GradCheck.ref();
        CountingBackend c = CountingBackend.wrap(ref);
        Backend b = c.backend();
        int rows = 3, cols = 5;
        Random rnd = new Random(1);
        float[] x = new float[rows * cols];
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        Storage xs = b.allocate(x.length), mean = b.allocate(rows), m2 = b.allocate(rows);
        b.write(xs, 0, x, 0, x.length);
        c.reset();
        b.rowMoments(xs, rows, cols, mean, m2);
        assertEquals(1, c.reads(), c.report());
        assertEquals(rows * 8, c.readBytes());
        assertEquals(1, c.writes(), c.report());
        assertEquals(rows * 8, c.writeBytes());
        assertEquals(2, c.calls("reduceSum"), c.report());
        assertEquals(2, c.calls("binary"), c.report());
        assertEquals(1, c.calls("rowMoments"));

        Storage rx = ref.allocate(x.length), rmean = ref.allocate(rows), rm2 = ref.allocate(rows);
        ref.write(rx, 0, x, 0, x.length);
        ref.rowMoments(rx, rows, cols, rmean, rm2);
        assertArrayEquals(Tensor.wrap(rmean, rows).toDoubleArray(), Tensor.wrap(mean, rows).toDoubleArray());
        assertArrayEquals(Tensor.wrap(rm2, rows).toDoubleArray(), Tensor.wrap(m2, rows).toDoubleArray());

        // CpuBackend overrides rowMoments with its fused kernel: delegated, no host traffic, no composed kernels
        CountingBackend cc = CountingBackend.wrap(CpuVsRef.cpu());
        Backend cb = cc.backend();
        Storage cx = cb.allocate(x.length), cm = cb.allocate(rows), cm2 = cb.allocate(rows);
        cb.write(cx, 0, x, 0, x.length);
        cc.reset();
        cb.rowMoments(cx, rows, cols, cm, cm2);
        assertEquals(0, cc.reads() + cc.writes(), cc.report());
        assertEquals(0, cc.calls("reduceSum"), cc.report());
        assertEquals(1, cc.calls("rowMoments"));
    }

    @Test
    void resultsAreIdenticalToTheUnwrappedBackend() {
        Backend cpu = CpuVsRef.cpu();
        CountingBackend c = CountingBackend.wrap(cpu);
        float[][] plain = convGemmNorm(cpu), counted = convGemmNorm(c.backend());
        assertEquals(plain.length, counted.length);
        for (int i = 0; i < plain.length; i++) assertArrayEquals(plain[i], counted[i], "output " + i);
        assertTrue(c.calls("conv3dForward") == 1 && c.calls("conv3dBackwardWeight") == 1 && c.calls("gemm") >= 3, c.report());
    }

    /** conv3d → group norm → SiLU → flatten → matmul → sum, backward; the loss and all gradients. */
    private static float[][] convGemmNorm(Backend be) {
        Random rnd = new Random(7);
        Tensor x = Tensor.randn(be, rnd, 1f, 2, 3, 5, 4, 3).requiresGrad(true);
        Tensor w = Tensor.randn(be, rnd, 0.3f, 4, 3, 3, 3, 3).requiresGrad(true);
        Tensor bias = Tensor.randn(be, rnd, 0.1f, 4).requiresGrad(true);
        Tensor gamma = Tensor.rand(be, rnd, 0.5f, 1.5f, 4).requiresGrad(true);
        Tensor beta = Tensor.randn(be, rnd, 0.1f, 4).requiresGrad(true);
        Tensor m = Tensor.randn(be, rnd, 0.2f, 4 * 5 * 4 * 3, 6).requiresGrad(true);
        Tensor y = Conv.conv3d(x, w, bias, 1, 1);
        Tensor h = Activations.silu(Norms.groupNorm(y, 2, gamma, beta, 1e-5f));
        Tensor z = Linalg.matmul(h.reshape(2, 4 * 5 * 4 * 3), m);
        Tensor loss = Reductions.sum(z.square());
        loss.backward();
        return new float[][]{loss.toArray(), z.toArray(), x.grad().toArray(), w.grad().toArray(), bias.grad().toArray(),
                gamma.grad().toArray(), beta.grad().toArray(), m.grad().toArray()};
    }

    @Test
    void storagesStayOnTheCountingBackend() {
        CountingBackend c = CountingBackend.wrap(CpuVsRef.cpu());
        Backend b = c.backend();
        Tensor t = Tensor.zeros(b, 2, 3);
        assertSame(b, t.backend());
        assertInstanceOf(CountingBackend.CountingStorage.class, t.storage());
        assertSame(b, t.storage().backend());
        Tensor w = Tensor.wrap(t.storage(), 6);
        assertSame(b, w.backend());
        Tensor u = w.add(w);
        assertSame(b, u.backend());
        assertInstanceOf(CountingBackend.CountingStorage.class, u.storage());
        assertEquals(6, t.storage().size());
        assertEquals("counting-cpu", b.name());
    }

    @Test
    void storageArraysAreUnwrappedElementWise() {
        CountingBackend c = CountingBackend.wrap(CpuVsRef.cpu());
        Storage a = c.backend().allocate(2), d = c.backend().allocate(3);
        Object[] args = c.unwrapArguments(new Object[]{new Storage[]{a, d}, a, 5});
        Storage[] arr = (Storage[]) args[0];
        assertSame(((CountingBackend.CountingStorage) a).inner(), arr[0]);
        assertSame(((CountingBackend.CountingStorage) d).inner(), arr[1]);
        assertSame(((CountingBackend.CountingStorage) a).inner(), args[1]);
        assertEquals(5, args[2]);
    }

    /** A storage sub-interface as a later Backend method may return (an int32 storage, say). */
    interface TaggedStorage extends Storage {
        int tag();
    }

    @Test
    void storageSubInterfacesAreWrappedAsThatInterface() {
        CountingBackend c = CountingBackend.wrap(CpuVsRef.cpu());
        Storage plain = CpuVsRef.cpu().allocate(3);
        TaggedStorage inner = new TaggedStorage() {
            @Override public int tag() { return 17; }
            @Override public long size() { return 5; }
            @Override public Backend backend() { return CpuVsRef.cpu(); }
        };
        TaggedStorage w = (TaggedStorage) c.wrapResult(TaggedStorage.class, inner);
        assertSame(c.backend(), w.backend());
        assertEquals(17, w.tag());
        assertEquals(5, w.size());
        Object[] args = c.unwrapArguments(new Object[]{w});
        assertSame(inner, args[0]);
        Object arr = c.wrapResult(TaggedStorage[].class, new TaggedStorage[]{inner, null});
        assertInstanceOf(TaggedStorage[].class, arr);
        assertEquals(17, ((TaggedStorage[]) arr)[0].tag());
        assertNull(((TaggedStorage[]) arr)[1]);
        // a plain Storage return (allocate) stays a CountingStorage
        assertInstanceOf(CountingBackend.CountingStorage.class, c.wrapResult(Storage.class, plain));
        CountingBackend other = CountingBackend.wrap(CpuVsRef.cpu());
        assertThrows(IllegalArgumentException.class, () -> other.unwrapArguments(new Object[]{w}));
    }

    @Test
    void refusesStoragesOfAnotherCounter() {
        CountingBackend c1 = CountingBackend.wrap(CpuVsRef.cpu()), c2 = CountingBackend.wrap(CpuVsRef.cpu());
        Storage s = c1.backend().allocate(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> c2.backend().fill(s, 0, 4, 1f));
        assertTrue(e.getMessage().contains("storage of backend counting-cpu"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> CountingBackend.wrap(c1.backend()));
    }

    @Test
    void extensionAnswersNullThroughTheProxy() throws Exception {
        Method m;
        try {
            m = Backend.class.getMethod("extension", Class.class);
        } catch (NoSuchMethodException e) {
            Assumptions.abort("Backend has no extension(Class) yet");
            return;
        }
        CountingBackend c = CountingBackend.wrap(CpuVsRef.cpu());
        assertNull(m.invoke(c.backend(), Object.class));
        assertEquals(1, c.calls("extension"));
    }
}
