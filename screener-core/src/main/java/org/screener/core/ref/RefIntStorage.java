package org.screener.core.ref;

import org.screener.core.Backend;
import org.screener.core.Storage;

/** int32 storage of the reference backend (indices are exact integers; no double needed). */
public final class RefIntStorage implements Storage {
    final int[] data;
    private final Backend backend;

    RefIntStorage(Backend backend, long n) {
        if (n < 0 || n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException("ref backend: " + n + " int32 elements is too many");
        this.backend = backend;
        this.data = new int[(int) n];
    }

    @Override public long size() { return data.length; }
    @Override public Backend backend() { return backend; }

    /** The raw array; reference kernels only. */
    public static int[] of(Storage s) {
        if (s == null) return null;
        if (s instanceof RefIntStorage) return ((RefIntStorage) s).data;
        if (s instanceof RefStorage)
            throw new IllegalArgumentException("ref backend: float storage given where int32 storage is needed (allocate it with allocateInt)");
        throw new IllegalArgumentException("storage of backend " + s.backend().name() + " given to ref");
    }
}
