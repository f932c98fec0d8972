package org.screener.core;

/**
 * Service-provider interface: each backend module registers one in
 * {@code META-INF/services/org.screener.core.BackendProvider}. {@link Backends} picks the available provider
 * with the highest priority unless the user names one.
 */
public interface BackendProvider {
    String name();

    /** Higher wins: cuda 100, cpu 10, ref 0 (never the default unless nothing else exists). */
    int priority();

    /** Cheap probe; must not throw (catch LinkageError for native libraries). Null if usable, else why not. */
    String unavailableReason();

    Backend create();
}
