package org.screener.core.ref;

import org.screener.core.Backend;
import org.screener.core.BackendProvider;

public final class RefProvider implements BackendProvider {
    @Override public String name() { return "ref"; }
    @Override public int priority() { return 0; }
    @Override public String unavailableReason() { return null; }
    @Override public Backend create() { return new RefBackend(); }
}
