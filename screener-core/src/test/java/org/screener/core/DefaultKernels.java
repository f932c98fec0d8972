package org.screener.core;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * The CPU backend with the named kernels replaced by Backend's default methods (the host fallback a new backend
 * inherits), so tests can check those defaults against the CPU kernels on the same storages.
 */
final class DefaultKernels {
    private DefaultKernels() {}

    static Backend cpuWithDefaults(String... kernels) {
        Backend cpu = Backends.get("cpu");
        Set<String> names = Set.of(kernels);
        InvocationHandler h = (proxy, m, args) -> {
            if (m.isDefault() && names.contains(m.getName())) return InvocationHandler.invokeDefault(proxy, m, args);
            try {
                return m.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, h);
    }
}
