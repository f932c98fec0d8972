package org.screener.data.sampling;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Builds batches on N worker threads ahead of the consumer. At most {@code capacity} batches are in flight or
 * waiting, which bounds memory. Batch b is always {@link Batch#make}(source, sampler, m, seed, b) and batches
 * come out in order 0, 1, 2, …, so the stream is the same for any thread count and timing. A worker's failure
 * is rethrown by {@link #next()} as a {@link LoaderException} naming the batch and volume. Close to stop.
 */
public final class PrefetchLoader implements Iterator<Batch>, AutoCloseable {
    private static final AtomicInteger POOL_ID = new AtomicInteger();
    private final VolumeSource source;
    private final CropPairSampler sampler;
    private final int m;
    private final long seed, limit;
    private final ExecutorService pool;
    private final ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
    private long submitted, delivered;
    private volatile boolean closed;

    /**
     * @param numBatches batches to produce; {@code <= 0} for an endless stream
     * @param capacity   batches built ahead of the consumer (>= 1)
     */
    public PrefetchLoader(VolumeSource source, CropPairSampler sampler, int batchSize, long seed, int threads, int capacity, long numBatches) {
        if (batchSize < 1 || threads < 1 || capacity < 1)
            throw new IllegalArgumentException("PrefetchLoader: batchSize " + batchSize + ", threads " + threads + ", capacity " + capacity + " must all be >= 1");
        if (source.size() == 0) throw new IllegalArgumentException("PrefetchLoader: empty volume source");
        this.source = source; this.sampler = sampler; this.m = batchSize; this.seed = seed;
        this.limit = numBatches <= 0 ? Long.MAX_VALUE : numBatches;
        int id = POOL_ID.incrementAndGet();
        AtomicInteger tid = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "screener-loader-" + id + "-" + tid.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        synchronized (this) { fill(capacity); }
    }

    private void fill(int capacity) {
        while (pending.size() < capacity && submitted < limit) {
            long b = submitted++;
            pending.add(pool.submit(() -> Batch.make(source, sampler, m, seed, b)));
        }
    }

    @Override public synchronized boolean hasNext() { return !closed && delivered < limit; }

    @Override public synchronized Batch next() {
        if (closed) throw new IllegalStateException("PrefetchLoader is closed");
        if (delivered >= limit) throw new NoSuchElementException("PrefetchLoader: all " + limit + " batches delivered");
        int capacity = pending.size();
        Future<Batch> f = pending.poll();
        Batch batch;
        try {
            batch = f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LoaderException("PrefetchLoader: interrupted while waiting for batch " + delivered, e);
        } catch (CancellationException e) {
            throw new LoaderException("PrefetchLoader: batch " + delivered + " was cancelled", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            close();
            if (c instanceof LoaderException le) throw new LoaderException(le.getMessage(), le.getCause());
            throw new LoaderException("PrefetchLoader: batch " + delivered + " failed: " + c, c);
        }
        delivered++;
        fill(capacity);
        return batch;
    }

    /** True once closed and every worker thread has finished. */
    public boolean isTerminated() { return closed && pool.isTerminated(); }

    /** Cancels pending batches and stops the workers (waits briefly for them to finish). */
    @Override public void close() {
        synchronized (this) {
            if (closed) return;
            closed = true;
            for (Future<Batch> f : pending) f.cancel(true);
            pending.clear();
        }
        pool.shutdownNow();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
