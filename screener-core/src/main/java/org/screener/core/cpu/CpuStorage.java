package org.screener.core.cpu;

import org.screener.core.Backend;
import org.screener.core.Storage;

/** float[] storage of the CPU backend (at most 2^31 - 9 elements per tensor: 8 GB). */
public final class CpuStorage implements Storage {
    final float[] data;
    private final Backend backend;

    CpuStorage(Backend backend, long n) {
        if (n > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("cpu backend: a tensor of " + n + " elements exceeds one Java array; tile the work");
        this.backend = backend;
        this.data = new float[(int) n];
    }

    @Override public long size() { return data.length; }
    @Override public Backend backend() { return backend; }

    /** The raw array; CPU kernels only. */
    public static float[] of(Storage s) {
        if (s == null) return null;
        if (s instanceof CpuIntStorage) throw new IllegalArgumentException("cpu backend: int32 storage given where float storage is needed");
        if (!(s instanceof CpuStorage)) throw new IllegalArgumentException("storage of backend " + s.backend().name() + " given to cpu");
        return ((CpuStorage) s).data;
    }
}
