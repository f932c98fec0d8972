package org.screener.core.cpu;

import org.screener.core.Backend;
import org.screener.core.Storage;

/**
 * float[] storage of the CPU backend (at most 2^31 - 9 elements per tensor: 8 GB). Closing it hands the array
 * to the backend's pool ({@link CpuPool}) for the next allocation of the same length.
 */
public final class CpuStorage implements Storage {
    /** null once closed. */
    private float[] data;
    private final int size;
    private final Backend backend;

    CpuStorage(Backend backend, float[] data) {
        this.backend = backend;
        this.data = data;
        this.size = data.length;
    }

    static int checkedLength(long n) {
        if (n < 0) throw new IllegalArgumentException("cpu backend: negative size " + n);
        if (n > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("cpu backend: a tensor of " + n + " elements exceeds one Java array; tile the work");
        return (int) n;
    }

    @Override public long size() { return size; }
    @Override public Backend backend() { return backend; }

    @Override public void close() {
        float[] d;
        synchronized (this) {
            d = data;
            data = null;
        }
        if (d != null) CpuPool.release(d);
    }

    @Override public boolean isClosed() { return data == null; }

    /** The raw array; CPU kernels only. Throws IllegalStateException for a closed storage. */
    public static float[] of(Storage s) {
        if (s == null) return null;
        if (s instanceof CpuIntStorage) throw new IllegalArgumentException("cpu backend: int32 storage given where float storage is needed");
        if (!(s instanceof CpuStorage)) throw new IllegalArgumentException("storage of backend " + s.backend().name() + " given to cpu");
        float[] d = ((CpuStorage) s).data;
        if (d == null)
            throw new IllegalStateException("cpu storage used after close (" + s.size() + " elements): a tensor made inside a"
                    + " TensorScope was used after the scope ended; create it outside the scope or keep() it");
        return d;
    }
}
