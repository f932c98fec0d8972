package org.screener.core.cpu;

import org.screener.core.Backend;
import org.screener.core.Storage;

/** int32 storage of the CPU backend (gather/scatter indices, class targets). */
public final class CpuIntStorage implements Storage {
    final int[] data;
    private final Backend backend;

    CpuIntStorage(Backend backend, long n) {
        if (n < 0 || n > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("cpu backend: an int32 buffer of " + n + " elements does not fit one Java array");
        this.backend = backend;
        this.data = new int[(int) n];
    }

    @Override public long size() { return data.length; }
    @Override public Backend backend() { return backend; }

    /** The raw array; CPU kernels only. */
    public static int[] of(Storage s) {
        if (s == null) return null;
        if (s instanceof CpuIntStorage) return ((CpuIntStorage) s).data;
        if (s instanceof CpuStorage)
            throw new IllegalArgumentException("cpu backend: float32 storage given where int32 storage is needed (allocate it with allocateInt)");
        throw new IllegalArgumentException("storage of backend " + s.backend().name() + " given to cpu");
    }
}
