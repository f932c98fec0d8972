package org.screener.core;

/**
 * A seed and a running offset into the backends' counter-based random numbers ({@link Philox}): every draw
 * takes the next numel elements, so a sequence of draws from one stream is the same on every backend and thread
 * count, and never reuses a number. Not thread-safe (one stream per training loop); cheap to create, so a step
 * can seed a fresh one from its own {@link java.util.Random}.
 */
public final class RandomStream {
    private final long seed;
    private long offset;

    public RandomStream(long seed) { this(seed, 0); }

    /** A stream positioned at offset (to resume one saved with {@link #offset()}). */
    public RandomStream(long seed, long offset) {
        if (offset < 0) throw new IllegalArgumentException("RandomStream: negative offset " + offset);
        this.seed = seed;
        this.offset = offset;
    }

    public long seed() { return seed; }

    /** The element index the next draw starts at. */
    public long offset() { return offset; }

    /** A tensor of normal numbers drawn on b (nothing crosses to or from the host). */
    public Tensor normal(Backend b, float mean, float std, int... shape) {
        long n = Shape.numel(shape);
        Philox.checkNormal(n, offset, mean, std);
        Storage s = b.allocate(n);
        b.randomNormal(s, n, seed, take(n), mean, std);
        return Tensor.wrap(s, shape);
    }

    /** A tensor of uniform numbers in [lo, hi) drawn on b. */
    public Tensor uniform(Backend b, float lo, float hi, int... shape) {
        long n = Shape.numel(shape);
        Philox.checkUniform(n, offset, lo, hi);
        Storage s = b.allocate(n);
        b.randomUniform(s, n, seed, take(n), lo, hi);
        return Tensor.wrap(s, shape);
    }

    private long take(long n) {
        long o = offset;
        offset += n;
        return o;
    }
}
