package org.screener.core.ref;

import org.screener.core.Backend;
import org.screener.core.Storage;

/** double[] storage of the reference backend. Close only marks it dead (no pool), with the same fail-fast check. */
public final class RefStorage implements Storage {
    /** null once closed. */
    private double[] data;
    private final int size;
    private final Backend backend;

    RefStorage(Backend backend, long n) {
        if (n < 0) throw new IllegalArgumentException("ref backend: negative size " + n);
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("ref backend: " + n + " elements is too many");
        this.backend = backend;
        this.data = new double[(int) n];
        this.size = (int) n;
    }

    @Override public long size() { return size; }
    @Override public Backend backend() { return backend; }

    @Override public synchronized void close() { data = null; }

    @Override public boolean isClosed() { return data == null; }

    /** The raw array; reference kernels only. Throws IllegalStateException for a closed storage. */
    public static double[] of(Storage s) {
        if (s == null) return null;
        if (s instanceof RefIntStorage) throw new IllegalArgumentException("ref backend: int32 storage given where float storage is needed");
        if (!(s instanceof RefStorage)) throw new IllegalArgumentException("storage of backend " + s.backend().name() + " given to ref");
        double[] d = ((RefStorage) s).data;
        if (d == null)
            throw new IllegalStateException("ref storage used after close (" + s.size() + " elements): a tensor made inside a"
                    + " TensorScope was used after the scope ended; create it outside the scope or keep() it");
        return d;
    }
}
