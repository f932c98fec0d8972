package org.screener.core;

/**
 * A flat buffer of elements owned by one {@link Backend}. Only that backend reads or writes its contents;
 * everyone else goes through {@link Backend#read}/{@link Backend#write}. This is what lets a device backend
 * keep tensors on the GPU without the autograd or nn code knowing.
 */
public interface Storage {
    /** Number of elements. */
    long size();

    /** The backend that owns this buffer. */
    Backend backend();
}
