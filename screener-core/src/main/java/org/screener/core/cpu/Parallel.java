package org.screener.core.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The CPU kernels' thread pool. Thread count: system property {@code screener.threads}, else all cores;
 * {@link #setThreads} changes it at run time (benchmarks).
 */
public final class Parallel {
    private static volatile ForkJoinPool pool;
    private static volatile int threads = Integer.getInteger("screener.threads", Runtime.getRuntime().availableProcessors());

    private Parallel() {}

    public static int threads() { return threads; }

    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("threads must be >= 1, got " + n);
        if (n == threads && pool != null) return;
        threads = n;
        ForkJoinPool old = pool;
        pool = null;
        if (old != null) old.shutdown();
    }

    static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                if (pool == null) pool = new ForkJoinPool(threads);
                p = pool;
            }
        }
        return p;
    }

    /** Body over a half-open range [lo, hi) of chunk indices. */
    @FunctionalInterface
    public interface RangeBody { void run(int lo, int hi); }

    /**
     * Runs body over [0, n) split into about threads * 4 chunks of at least minChunk items; runs inline when
     * there is one thread or little work. Nested calls run inline (no oversubscription).
     */
    public static void forRange(int n, int minChunk, RangeBody body) {
        if (n <= 0) return;
        int t = threads;
        if (t == 1 || n <= minChunk || (ForkJoinTask.inForkJoinPool() && ForkJoinTask.getPool() == pool)) {
            body.run(0, n);
            return;
        }
        int chunks = Math.min(t * 4, Math.max(1, n / Math.max(1, minChunk)));
        int per = (n + chunks - 1) / chunks;
        pool().invoke(new RecursiveAction() {
            @Override protected void compute() {
                RecursiveAction[] tasks = new RecursiveAction[(n + per - 1) / per];
                for (int c = 0; c < tasks.length; c++) {
                    int lo = c * per, hi = Math.min(n, lo + per);
                    tasks[c] = new RecursiveAction() { @Override protected void compute() { body.run(lo, hi); } };
                }
                invokeAll(tasks);
            }
        });
    }

    /**
     * Partial results of parallel chunks, keyed by the chunk's start and added into a total in that order, so
     * the float sum does not depend on which thread finished first (resumed training stays bit-identical).
     */
    public static final class OrderedSum {
        private final java.util.concurrent.ConcurrentSkipListMap<Integer, float[]> parts =
                new java.util.concurrent.ConcurrentSkipListMap<>();

        public void put(int chunkStart, float[] part) { parts.put(chunkStart, part); }

        /** total[off + i] += every part[i], parts in chunk order; then forgets them. */
        public void addInto(float[] total, int off) {
            for (float[] part : parts.values())
                for (int i = 0; i < part.length; i++) total[off + i] += part[i];
            parts.clear();
        }
    }
}
