package org.screener.core.cpu;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Storage;
import org.screener.core.Tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The CPU backend's array pool: exact-length reuse, zeroing, the bound, LRU dropping, counters, fail-fast close. */
class CpuPoolTest {
    final Backend cpu = Backends.get("cpu");
    long cap;

    @BeforeEach void fresh() {
        cap = CpuBackend.setPoolCapacity(64L << 20);
        CpuBackend.clearPool();
    }

    @AfterEach void restore() {
        CpuBackend.clearPool();
        CpuBackend.setPoolCapacity(cap);
    }

    @Test void closedArrayIsReusedForTheSameLengthOnly() {
        Tensor a = Tensor.empty(cpu, 3, 333);
        assertEquals(1, CpuBackend.poolStats().misses());
        a.storage().close();
        CpuBackend.PoolStats s = CpuBackend.poolStats();
        assertEquals(1, s.released());
        assertEquals(4L * 999, s.bytesHeld());
        assertEquals(1, s.arraysHeld());
        Tensor b = Tensor.empty(cpu, 1000);   // other length: a miss, the 999 stays pooled
        assertEquals(2, CpuBackend.poolStats().misses());
        assertEquals(0, CpuBackend.poolStats().hits());
        Tensor c = Tensor.empty(cpu, 999);    // any shape of the same length
        s = CpuBackend.poolStats();
        assertEquals(1, s.hits());
        assertEquals(0, s.bytesHeld());
        assertEquals(0, s.arraysHeld());
        assertEquals(999, c.numel());
        assertEquals(1000, b.numel());
    }

    @Test void zerosFromThePoolAreZeroAndEmptyKeepsStaleValuesUnlessPoisoned() {
        Tensor a = Tensor.full(cpu, 7f, 12345);
        a.storage().close();
        Tensor z = Tensor.zeros(cpu, 12345);
        assertEquals(1, CpuBackend.poolStats().hits());
        assertArrayEquals(new float[12345], z.toArray());
        z.storage().close();
        Tensor.full(cpu, 5f, 12345).storage().close();   // takes z's array, leaves it full of 5
        Tensor e = Tensor.empty(cpu, 12345);
        assertEquals(3, CpuBackend.poolStats().hits());
        float expect = CpuBackend.POISON ? Float.NaN : 5f;
        for (float v : e.toArray()) assertEquals(expect, v);
    }

    @Test void largePooledArraysAreZeroedCompletely() {
        int n = (1 << 21) + 17;   // above the parallel-fill threshold, not a multiple of the chunk
        Tensor a = Tensor.full(cpu, -3f, n);
        a.storage().close();
        float[] z = Tensor.zeros(cpu, n).toArray();
        assertEquals(1, CpuBackend.poolStats().hits());
        for (int i = 0; i < n; i++) if (z[i] != 0f) throw new AssertionError("element " + i + " is " + z[i]);
    }

    @Test void useAfterCloseFailsFast() {
        Tensor a = Tensor.full(cpu, 2f, 4, 5);
        Tensor view = a.reshape(20);
        a.storage().close();
        assertTrue(a.storage().isClosed());
        assertEquals(20, a.storage().size());   // still known
        IllegalStateException e = assertThrows(IllegalStateException.class, a::toArray);
        assertTrue(e.getMessage().startsWith("cpu storage used after close"), e.getMessage());
        assertThrows(IllegalStateException.class, () -> view.add(1f));
        assertThrows(IllegalStateException.class, () -> Tensor.ones(20).add(view));
        // the array went to the pool and belongs to the next tensor of that length, which works
        Tensor b = Tensor.full(cpu, 9f, 20);
        assertEquals(1, CpuBackend.poolStats().hits());
        assertEquals(9f, b.toArray()[19]);
        assertThrows(IllegalStateException.class, a::toArray);
    }

    @Test void closeIsIdempotent() {
        Storage s = cpu.allocate(100);
        s.close();
        s.close();
        assertEquals(1, CpuBackend.poolStats().released());
        assertEquals(1, CpuBackend.poolStats().arraysHeld());
        Tensor.empty(cpu, 100);
        Tensor.empty(cpu, 100);   // a second close must not have pooled the array twice
        assertEquals(1, CpuBackend.poolStats().hits());
        assertEquals(2, CpuBackend.poolStats().misses());
    }

    @Test void boundedDroppingTheLeastRecentlyReleased() {
        CpuBackend.setPoolCapacity(4L * 3000);
        float[][] a = new float[3][];
        for (int i = 0; i < 3; i++) {
            a[i] = new float[1000];
            CpuPool.release(a[i]);
        }
        assertEquals(12000, CpuBackend.poolStats().bytesHeld());
        CpuPool.release(new float[500]);   // needs room: the oldest 1000 goes
        CpuBackend.PoolStats s = CpuBackend.poolStats();
        assertEquals(1, s.dropped());
        assertEquals(3, s.arraysHeld());
        assertEquals(4L * 2500, s.bytesHeld());
        assertSame(a[2], CpuPool.take(1000));   // newest first within a length
        assertSame(a[1], CpuPool.take(1000));
        assertNull(CpuPool.take(1000));         // a[0] was dropped
        assertNotNull(CpuPool.take(500));
        CpuPool.release(new float[3001]);       // larger than the whole pool: not kept
        assertEquals(2, CpuBackend.poolStats().dropped());
        assertEquals(0, CpuBackend.poolStats().bytesHeld());
        CpuBackend.setPoolCapacity(0);          // off
        CpuPool.release(new float[10]);
        assertEquals(0, CpuBackend.poolStats().arraysHeld());
    }

    @Test void shrinkingTheCapacityDropsOldest() {
        for (int i = 0; i < 4; i++) CpuPool.release(new float[256]);
        CpuBackend.setPoolCapacity(4L * 256 * 2);
        assertEquals(2, CpuBackend.poolStats().arraysHeld());
        assertEquals(2, CpuBackend.poolStats().dropped());
        assertThrows(IllegalArgumentException.class, () -> CpuBackend.setPoolCapacity(-1));
    }

    @Test void concurrentAllocateAndCloseKeepTheAccountsRight() throws Exception {
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                fs.add(ex.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        int n = 1 + (i * 7 + seed) % 13;
                        Tensor x = Tensor.full(cpu, seed + 1f, n);
                        for (float v : x.toArray()) if (v != seed + 1f) throw new AssertionError("array shared between live tensors");
                        x.storage().close();
                    }
                }));
            }
            for (Future<?> f : fs) f.get();
        } finally {
            ex.shutdown();
        }
        CpuBackend.PoolStats s = CpuBackend.poolStats();
        assertEquals(8000, s.hits() + s.misses());
        assertEquals(8000, s.released());
        assertEquals(s.misses(), s.arraysHeld() + s.dropped());
        long bytes = 0;
        float[] a;
        for (int n = 1; n <= 13; n++) while ((a = CpuPool.take(n)) != null) bytes += 4L * a.length;
        assertEquals(s.bytesHeld(), bytes);
    }

    @Test void badSizes() {
        assertThrows(IllegalArgumentException.class, () -> cpu.allocate(-1));
        assertThrows(IllegalArgumentException.class, () -> cpu.allocateUninitialized(1L << 31));
        assertEquals(0, cpu.allocateUninitialized(0).size());
    }
}
