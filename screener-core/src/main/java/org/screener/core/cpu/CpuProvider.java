package org.screener.core.cpu;

import org.screener.core.Backend;
import org.screener.core.BackendProvider;

public final class CpuProvider implements BackendProvider {
    @Override public String name() { return "cpu"; }
    @Override public int priority() { return 10; }
    @Override public String unavailableReason() { return null; }
    @Override public Backend create() { return new CpuBackend(); }
}
