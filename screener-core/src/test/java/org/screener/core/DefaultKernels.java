package org.screener.core;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Test helper: a backend that behaves like {@code base} except that the named kernels run Backend's default
 * methods (the host fallback a new backend inherits), so tests can check those defaults against the real
 * kernels on the same storages.
 */
final class DefaultKernels {
    private DefaultKernels() {}

    /** The CPU backend with the named kernels replaced by Backend's defaults. */
    static Backend cpuWithDefaults(String... kernels) {
        Backend cpu = Backends.get("cpu");
        return of(cpu, cpu.name(), Set.of(kernels));
    }

    /** {@code base} under another name, with the named kernels replaced by Backend's defaults. */
    static Backend of(Backend base, String name, Set<String> defaults) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().equals("name")) return name;
            if (m.isDefault() && defaults.contains(m.getName())) return InvocationHandler.invokeDefault(proxy, m, args);
            try {
                return m.invoke(base, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, h);
    }
}
