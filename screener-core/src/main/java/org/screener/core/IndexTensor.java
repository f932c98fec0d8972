package org.screener.core;

/**
 * A vector of int32 indices (gather/scatter positions, class targets) in a backend's int storage, so that ops can
 * take indices without a host transfer per use. It carries an exclusive upper bound on its entries, established
 * when it was built: from host data the entries are checked there (the data is on the host anyway, so that costs
 * no read), and an op that needs indices below some limit compares the limit with {@link #bound()} instead of
 * reading the indices back. Indices made on a backend by a kernel come in through {@link #wrap}, whose caller
 * vouches for the bound.
 */
public final class IndexTensor {
    private final Backend backend;
    private final Storage storage;
    private final int length;
    private final long bound;

    private IndexTensor(Backend backend, Storage storage, int length, long bound) {
        this.backend = backend;
        this.storage = storage;
        this.length = length;
        this.bound = bound;
    }

    /** Writes index to b once; every entry must be >= 0, and the bound is max + 1 (0 when empty). */
    public static IndexTensor of(Backend b, int[] index) {
        int max = -1;
        for (int i = 0; i < index.length; i++) {
            if (index[i] < 0) throw new IllegalArgumentException("IndexTensor.of: index[" + i + "] = " + index[i] + " is negative");
            max = Math.max(max, index[i]);
        }
        return write(b, index, max + 1L);
    }

    /** Writes index to b once after checking every entry is in [0, bound); the tensor's bound is bound. */
    public static IndexTensor of(Backend b, int[] index, long bound) {
        for (int i = 0; i < index.length; i++)
            if (index[i] < 0 || index[i] >= bound)
                throw new IllegalArgumentException("IndexTensor.of: index[" + i + "] = " + index[i] + " outside [0, " + bound + ")");
        return write(b, index, bound);
    }

    private static IndexTensor write(Backend b, int[] index, long bound) {
        Storage s = b.allocateInt(index.length);
        TensorScope.register(s);   // freed with the step's tensors (a device backend must not wait for the GC)
        b.writeInt(s, 0, index, 0, index.length);
        return new IndexTensor(b, s, index.length, bound);
    }

    /**
     * Wraps an int32 storage of storage.backend() (no copy, no check): its first length entries, which the
     * caller guarantees are in [0, bound).
     */
    public static IndexTensor wrap(Storage storage, int length, long bound) {
        if (length < 0 || length > storage.size())
            throw new IllegalArgumentException("IndexTensor.wrap: length " + length + " for a storage of " + storage.size());
        if (bound < 0) throw new IllegalArgumentException("IndexTensor.wrap: negative bound " + bound);
        return new IndexTensor(storage.backend(), storage, length, bound);
    }

    public Backend backend() { return backend; }

    /** The backend's int32 storage (at least length() elements). */
    public Storage storage() { return storage; }

    public int length() { return length; }

    /** Every entry is in [0, bound()). */
    public long bound() { return bound; }

    /** Reads the indices back to the host (tests, debugging: a transfer). */
    public int[] toArray() {
        int[] out = new int[length];
        backend.readInt(storage, 0, out, 0, length);
        return out;
    }

    @Override public String toString() {
        return "IndexTensor(" + length + " on " + backend.name() + ", < " + bound + ")";
    }
}
