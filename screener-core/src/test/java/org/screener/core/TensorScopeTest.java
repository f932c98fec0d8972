package org.screener.core;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.screener.core.cpu.CpuBackend;
import org.screener.core.ops.Conv;
import org.screener.core.ops.Reductions;
import org.screener.core.ops.Shapes;
import org.screener.core.ops.Spatial;

import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TensorScope: what it registers and closes, keep(), nesting, misuse, and buffer reuse across steps. */
class TensorScopeTest {
    final Backend cpu = TestUtil.cpu(), ref = TestUtil.ref();

    @BeforeEach @AfterEach void noScopeLeftOpen() {
        assertNull(TensorScope.current(), "a test left a scope open");
    }

    @Test void closesEveryStorageMadeInItAndNothingElse() {
        Tensor outside = Tensor.full(cpu, 1f, 6);
        Tensor a, b, c, v;
        try (TensorScope s = TensorScope.open()) {
            assertSame(s, TensorScope.current());
            a = Tensor.zeros(cpu, 6);
            b = Tensor.of(cpu, new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
            c = b.add(outside.reshape(2, 3)).mul(2f);   // op outputs are registered too
            v = c.reshape(6);                           // a view: same storage, nothing new
            outside.addInPlace(a, 1f);                  // in place into an outside tensor is fine
            assertEquals(4, s.size());                  // a, b, the add, the mul
        }
        assertNull(TensorScope.current());
        for (Tensor t : new Tensor[]{a, b, c, v}) {
            assertTrue(t.storage().isClosed());
            assertThrows(IllegalStateException.class, t::toArray);
        }
        assertFalse(outside.storage().isClosed());
        assertArrayEquals(new float[]{1, 1, 1, 1, 1, 1}, outside.toArray());
    }

    @Test void withoutAScopeNothingIsClosed() {
        Tensor a = Tensor.randn(cpu, new Random(1), 1f, 4).exp();
        assertFalse(a.storage().isClosed());
        a.toArray();
    }

    @Test void keptTensorsMoveToTheEnclosingScopeOrToTheGc() {
        Tensor k1, k2, gone;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope inner = TensorScope.open()) {
                Tensor x = Tensor.full(cpu, 3f, 5);
                k1 = inner.keep(x.mul(2f));
                gone = x;
                inner.keep((Tensor) null);   // ignored
            }
            assertTrue(gone.storage().isClosed());
            assertArrayEquals(new float[]{6, 6, 6, 6, 6}, k1.toArray());
            assertEquals(1, outer.size());   // k1 moved here
        }
        assertTrue(k1.storage().isClosed());
        try (TensorScope s = TensorScope.open()) {
            Tensor y = Tensor.ones(3);
            k2 = y.add(y);
            s.keep(k2.reshape(1, 3));   // keeping a view keeps the storage
        }
        assertFalse(k2.storage().isClosed());
        assertArrayEquals(new float[]{2, 2, 2}, k2.toArray());
    }

    @Test void nestedScopesCloseInnermostFirst() {
        TensorScope outer = TensorScope.open();
        Tensor a = Tensor.ones(2);
        TensorScope inner = TensorScope.open();
        Tensor b = Tensor.ones(2);
        assertSame(inner, TensorScope.current());
        IllegalStateException e = assertThrows(IllegalStateException.class, outer::close);
        assertTrue(e.getMessage().contains("out of order"), e.getMessage());
        assertFalse(a.storage().isClosed());   // the failed close freed nothing
        inner.close();
        assertTrue(b.storage().isClosed());
        assertFalse(a.storage().isClosed());
        assertSame(outer, TensorScope.current());
        outer.close();
        outer.close();   // idempotent
        assertTrue(a.storage().isClosed());
        assertThrows(IllegalStateException.class, () -> outer.keep(a));
    }

    @Test void closingOnAnotherThreadIsAnError() throws Exception {
        try (TensorScope s = TensorScope.open()) {
            AtomicReference<Throwable> err = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    assertNull(TensorScope.current());   // scopes are per thread
                    Tensor.ones(3);                       // not registered with s
                    s.close();
                } catch (Throwable x) {
                    err.set(x);
                }
            });
            t.start();
            t.join();
            assertTrue(err.get() instanceof IllegalStateException, String.valueOf(err.get()));
            assertEquals(0, s.size());
        }
    }

    @Test void refStorageFailsFastAfterClose() {
        Tensor a;
        try (TensorScope s = TensorScope.open()) {
            a = Tensor.full(ref, 1f, 3).add(1f);
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, a::toArray);
        assertTrue(e.getMessage().startsWith("ref storage used after close"), e.getMessage());
        // the reference's uninitialised buffers are NaN, so an op reading one before writing it shows up
        assertTrue(Double.isNaN(Tensor.empty(ref, 2).toDoubleArray()[1]));
        assertEquals(0.0, Tensor.zeros(ref, 2).toDoubleArray()[1]);
    }

    /** One small conv step with pooling, padding, crop, gather and their backward. */
    private static float[] step(Backend be, Tensor w, int seed) {
        Random r = new Random(seed);
        Tensor x = Tensor.randn(be, r, 1f, 2, 3, 6, 7, 5);
        Tensor y = Conv.conv3d(x, w, null, 1, 1);
        Tensor p = Spatial.maxPool3d(Shapes.pad(y, new int[]{0, 0, 1, 0, 1}, new int[]{0, 0, 1, 1, 0}),
                new int[]{2, 2, 2}, new int[]{2, 2, 2}, new int[3]);
        Tensor g = Shapes.gatherVoxels(Shapes.crop(p, new int[]{0, 0, 0, 1, 0}, new int[]{2, 4, 3, 3, 3}), new int[]{0, 5, 5, 40});
        Tensor loss = Reductions.sum(g.square());
        loss.backward();
        float[] gw = w.grad().toArray();
        w.zeroGrad();
        return gw;
    }

    @Test void secondStepReusesTheFirstStepsBuffersAndComputesTheSame() {
        Tensor w = Tensor.randn(cpu, new Random(9), 0.3f, 4, 3, 3, 3, 3).requiresGrad(true);
        float[] plain = step(cpu, w, 1);
        long cap = CpuBackend.setPoolCapacity(256L << 20);
        CpuBackend.clearPool();
        try {
            float[][] scoped = new float[3][];
            long[] misses = new long[3], hits = new long[3];
            for (int i = 0; i < 3; i++) {
                CpuBackend.PoolStats before = CpuBackend.poolStats();
                try (TensorScope s = TensorScope.open()) {
                    scoped[i] = step(cpu, w, 1);
                }
                CpuBackend.PoolStats after = CpuBackend.poolStats();
                misses[i] = after.misses() - before.misses();
                hits[i] = after.hits() - before.hits();
            }
            assertTrue(misses[0] > 10, "first step allocates: " + misses[0]);
            assertEquals(0, misses[1], "second step: every buffer from the pool");
            assertEquals(0, misses[2]);
            assertEquals(misses[0], hits[1]);
            for (float[] g : scoped) assertArrayEquals(plain, g);   // bitwise: stale buffers never leak into results
        } finally {
            CpuBackend.clearPool();
            CpuBackend.setPoolCapacity(cap);
        }
    }

    @Test void refStepInAScopeMatchesWithout() {
        Tensor w = Tensor.randn(ref, new Random(9), 0.3f, 4, 3, 3, 3, 3).requiresGrad(true);
        float[] plain = step(ref, w, 2);
        float[] scoped;
        try (TensorScope s = TensorScope.open()) {
            scoped = step(ref, w, 2);
        }
        assertArrayEquals(plain, scoped);
    }

    @Test void beyondTheStrongLimitAScopeDoesNotPinDeadTemporaries() throws InterruptedException {
        long old = TensorScope.strongLimit(4L * 1000);   // room for one 1000-float tensor
        try (TensorScope s = TensorScope.open()) {
            Tensor strong = Tensor.zeros(cpu, 1000), live = Tensor.zeros(cpu, 1000);
            java.lang.ref.WeakReference<Storage> dead = new java.lang.ref.WeakReference<>(Tensor.zeros(cpu, 1 << 20).storage());
            for (int i = 0; i < 50 && dead.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertNull(dead.get(), "a dead temporary beyond the limit is collectable inside the scope");
            assertEquals(3, s.size());
            s.close();
            assertTrue(strong.storage().isClosed());
            assertTrue(live.storage().isClosed(), "a live storage held weakly is still freed at close");
        } finally {
            TensorScope.strongLimit(old);
        }
    }
}
