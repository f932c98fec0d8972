package org.screener.core.ref;

import org.screener.core.Backend;
import org.screener.core.Storage;

/** double[] storage of the reference backend. */
public final class RefStorage implements Storage {
    final double[] data;
    private final Backend backend;

    RefStorage(Backend backend, long n) {
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("ref backend: " + n + " elements is too many");
        this.backend = backend;
        this.data = new double[(int) n];
    }

    @Override public long size() { return data.length; }
    @Override public Backend backend() { return backend; }

    /** The raw array; reference kernels only. */
    public static double[] of(Storage s) {
        if (s == null) return null;
        if (s instanceof RefIntStorage) throw new IllegalArgumentException("ref backend: int32 storage given where float storage is needed");
        if (!(s instanceof RefStorage)) throw new IllegalArgumentException("storage of backend " + s.backend().name() + " given to ref");
        return ((RefStorage) s).data;
    }
}
