package org.screener.core;

/**
 * A flat buffer of elements owned by one {@link Backend}. Only that backend reads or writes its contents;
 * everyone else goes through {@link Backend#read}/{@link Backend#write}. This is what lets a device backend
 * keep tensors on the GPU without the autograd or nn code knowing.
 *
 * <p>Lifetime: without {@link #close()} the garbage collector frees a storage once nothing refers to it. A
 * {@link TensorScope} closes the storages made in it when it ends, so a backend can hand their memory to the
 * next allocation (the CPU backend pools the arrays, a device backend would reuse device memory) instead of
 * waiting for the collector. Every tensor sharing a closed storage (views, reshapes, {@code detach()}) is dead
 * with it.
 */
public interface Storage extends AutoCloseable {
    /** Number of elements (still known after close). */
    long size();

    /** The backend that owns this buffer. */
    Backend backend();

    /**
     * Gives the memory back to the backend; idempotent. Afterwards every kernel that is handed this storage
     * throws IllegalStateException, so a stale reference fails at once instead of reading memory that already
     * belongs to another tensor. The default does nothing: fine for a backend that leaves freeing to the GC.
     */
    @Override default void close() {}

    /** True after {@link #close()} on a backend that tracks it. */
    default boolean isClosed() { return false; }
}
