package org.screener.core;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Finds backends through {@link ServiceLoader}. The default is the best available one, or the one named by
 * the system property {@code screener.backend} (or environment variable {@code SCREENER_BACKEND}).
 */
public final class Backends {
    private static volatile Backend defaultBackend;
    private static final java.util.Map<String, Backend> created = new java.util.concurrent.ConcurrentHashMap<>();

    private Backends() {}

    /** All registered providers, best first. */
    public static List<BackendProvider> providers() {
        List<BackendProvider> list = new ArrayList<>();
        for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) list.add(p);
        list.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return list;
    }

    /** The backend with this name; fails with the reason if it is not available here. */
    public static Backend get(String name) {
        return created.computeIfAbsent(name, n -> {
            List<String> known = new ArrayList<>();
            for (BackendProvider p : providers()) {
                known.add(p.name());
                if (p.name().equals(n)) {
                    String why = p.unavailableReason();
                    if (why != null) throw new IllegalStateException("backend '" + n + "' is not available: " + why);
                    return p.create();
                }
            }
            throw new IllegalArgumentException("no backend named '" + n + "'; registered: " + known);
        });
    }

    /** The default backend: the named one if screener.backend is set, else the best available. */
    public static Backend getDefault() {
        Backend b = defaultBackend;
        if (b != null) return b;
        synchronized (Backends.class) {
            if (defaultBackend != null) return defaultBackend;
            String named = System.getProperty("screener.backend", System.getenv("SCREENER_BACKEND"));
            if (named != null && !named.isBlank()) {
                defaultBackend = get(named.trim());
            } else {
                for (BackendProvider p : providers()) {
                    if (p.priority() <= 0) continue;
                    if (p.unavailableReason() == null) { defaultBackend = get(p.name()); break; }
                }
                if (defaultBackend == null) defaultBackend = get("ref");
            }
            return defaultBackend;
        }
    }

    /** Overrides the default for this JVM (tests, benchmarks). */
    public static void setDefault(Backend backend) { defaultBackend = backend; }
}
