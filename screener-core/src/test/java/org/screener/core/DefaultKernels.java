package org.screener.core;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.Set;

/**
 * Test helper: a backend that behaves like `base` except that the named methods run Backend's default
 * implementation (so the defaults a device backend inherits are tested against the real kernels).
 */
final class DefaultKernels {
    private DefaultKernels() {}

    static Backend of(Backend base, String name, Set<String> defaults) {
        InvocationHandler h = (proxy, m, args) -> {
            if (m.getName().equals("name")) return name;
            if (defaults.contains(m.getName())) return InvocationHandler.invokeDefault(proxy, m, args);
            try {
                return m.invoke(base, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, h);
    }
}
