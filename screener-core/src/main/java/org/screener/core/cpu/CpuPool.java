package org.screener.core.cpu;

import java.lang.ref.SoftReference;
import java.util.HashMap;
import java.util.Map;

/**
 * The CPU backend's free list of float arrays, by exact length. A training step (and an inference window)
 * allocates the same sizes every time, so exact-size classes hit from the second step on without rounding
 * memory up. Bounded: when a released array would push the held bytes over the capacity, the arrays released
 * longest ago are dropped to the GC first (a size that stopped being used, say after a change of crop size,
 * ages out instead of pinning memory). Within one length the newest array is handed out first (warm in cache).
 * One lock: callers are the threads that create and close tensors, not the kernels' worker threads.
 *
 * <p>Capacity: {@code -Dscreener.cpu.poolMb=N} (0 turns pooling off), default a quarter of the max heap.
 * Arrays are held through soft references: the GC may take them back when the heap runs short, so the pool
 * never causes an OutOfMemoryError (measured: the paper preset's training step at -Xmx14g ran out of heap
 * with a strongly held pool of 3.5 GB; a cleared array is a miss like any other).
 */
final class CpuPool {
    private CpuPool() {}

    /** One pooled array, on two doubly linked lists: all arrays by release time, and those of its length. */
    private static final class Node {
        final int length;
        final SoftReference<float[]> a;
        Node olderAll, newerAll, olderSame, newerSame;
        Node(float[] a) { this.length = a.length; this.a = new SoftReference<>(a); }
    }

    private static final Object LOCK = new Object();
    /** Newest node of each length. */
    private static final Map<Integer, Node> newestOfLength = new HashMap<>();
    private static Node newest, oldest;
    private static long capBytes = initialCap();
    private static long heldBytes, hits, misses, released, dropped;
    private static int heldArrays;

    private static long initialCap() {
        String mb = System.getProperty("screener.cpu.poolMb");
        if (mb == null || mb.isBlank()) return Runtime.getRuntime().maxMemory() / 4;
        try {
            long v = Long.parseLong(mb.trim());
            if (v < 0) throw new NumberFormatException();
            return v << 20;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("screener.cpu.poolMb must be a non-negative number of MB, got '" + mb + "'");
        }
    }

    /** A pooled array of exactly n floats with stale contents, or null (a miss: the caller allocates). */
    static float[] take(int n) {
        if (n == 0) return null;
        synchronized (LOCK) {
            for (Node x = newestOfLength.get(n); x != null; x = newestOfLength.get(n)) {
                unlink(x);
                float[] a = x.a.get();
                if (a != null) { hits++; return a; }
                dropped++;   // the GC took it back
            }
            misses++;
            return null;
        }
    }

    /** Takes back an array no one uses any more. */
    static void release(float[] a) {
        if (a.length == 0) return;
        long bytes = 4L * a.length;
        synchronized (LOCK) {
            released++;
            if (bytes > capBytes) { dropped++; return; }
            while (heldBytes + bytes > capBytes) { unlink(oldest); dropped++; }
            Node x = new Node(a);
            x.olderAll = newest;
            if (newest != null) newest.newerAll = x;
            newest = x;
            if (oldest == null) oldest = x;
            Node same = newestOfLength.put(a.length, x);
            x.olderSame = same;
            if (same != null) same.newerSame = x;
            heldBytes += bytes;
            heldArrays++;
        }
    }

    private static void unlink(Node x) {
        if (x.newerAll != null) x.newerAll.olderAll = x.olderAll; else newest = x.olderAll;
        if (x.olderAll != null) x.olderAll.newerAll = x.newerAll; else oldest = x.newerAll;
        if (x.newerSame != null) x.newerSame.olderSame = x.olderSame;
        else if (x.olderSame != null) newestOfLength.put(x.length, x.olderSame);
        else newestOfLength.remove(x.length);
        if (x.olderSame != null) x.olderSame.newerSame = x.newerSame;
        heldBytes -= 4L * x.length;
        heldArrays--;
    }

    static CpuBackend.PoolStats stats() {
        synchronized (LOCK) {
            return new CpuBackend.PoolStats(hits, misses, released, dropped, heldBytes, heldArrays, capBytes);
        }
    }

    /** Drops every pooled array and resets the counters. */
    static void clear() {
        synchronized (LOCK) {
            while (oldest != null) unlink(oldest);
            hits = misses = released = dropped = 0;
        }
    }

    /** Sets the capacity (dropping the oldest arrays above it); returns the previous one. */
    static long capacity(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("cpu pool capacity " + bytes + " bytes is negative");
        synchronized (LOCK) {
            long old = capBytes;
            capBytes = bytes;
            while (heldBytes > capBytes) { unlink(oldest); dropped++; }
            return old;
        }
    }
}
