package org.screener.core;

import java.lang.reflect.Array;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Wraps any {@link Backend} and counts the traffic between host and backend: reads and writes (calls and
 * bytes) and the calls of every kernel by name. Tests use it to assert that a training step or an inference
 * window reads nothing but its loss and writes nothing but its batch; {@code bench train-step} reports it.
 *
 * <pre>{@code
 * CountingBackend c = CountingBackend.wrap(Backends.get("cpu"));
 * Backend b = c.backend();          // use b everywhere instead of the inner backend
 * Tensor t = Tensor.of(b, data, 2, 3);
 * c.writes();                       // 1
 * }</pre>
 *
 * <p>The backend is a {@link Proxy} rather than a hand-written delegate so that kernels added to
 * {@code Backend} later are forwarded (and counted) without touching this class. Rules:
 * <ul>
 * <li>Storages it allocates (any {@code Storage} or {@code Storage[]} the inner backend returns) are wrapped in a
 * {@link CountingStorage} whose {@code backend()} is the proxy, so tensors built on them stay on the counting
 * backend; arguments are unwrapped (also element-wise inside {@code Storage[]}) before the inner call.
 * <li>A method named {@code read*} or {@code write*} is a transfer; its bytes are the last int/long argument
 * (the element count, as in every such method of {@code Backend}) times the element size of its host array
 * argument. A transfer made inside another transfer (the default {@code readDouble} calls {@code read}) is not
 * counted again. A kernel that returns a number to the host ({@code sumSquares}) counts as a read of it.
 * <li>A {@code default} method of {@code Backend} that the inner backend's class does not override runs on the
 * proxy ({@link InvocationHandler#invokeDefault}), so the host reads and writes it makes internally are
 * counted: that is exactly the traffic a backend without the fused kernel would cause.
 * <li>{@code extension(Class)} answers null: a fused kernel of the inner backend would be handed wrapped storages
 * and would bypass the counting, so callers take their composed path instead.
 * </ul>
 * Counters are thread-safe; {@link #calls(String)} counts every call through the proxy, nested ones included.
 */
public final class CountingBackend {
    private final Backend inner;
    private final Backend proxy;
    private final LongAdder reads = new LongAdder(), readBytes = new LongAdder();
    private final LongAdder writes = new LongAdder(), writeBytes = new LongAdder();
    private final Map<String, LongAdder> calls = new ConcurrentHashMap<>();
    // per thread: how many transfer methods are running, so that nested ones are not counted twice
    private final ThreadLocal<int[]> transferDepth = ThreadLocal.withInitial(() -> new int[1]);

    private final Handler handler = new Handler();

    private CountingBackend(Backend inner) {
        this.inner = inner;
        this.proxy = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[]{Backend.class}, handler);
    }

    /** The arguments as the inner backend receives them (tests: Backend has no Storage[] method yet everywhere). */
    Object[] unwrapArguments(Object[] args) { return handler.unwrapAll(args); }

    /** How a storage of the inner backend returned as {@code type} is handed out (tests: for Storage sub-interfaces). */
    Object wrapResult(Class<?> type, Object result) { return handler.wrapResult(type, result); }

    /** A counter around {@code inner}; use {@link #backend()} in its place. */
    public static CountingBackend wrap(Backend inner) {
        Objects.requireNonNull(inner, "CountingBackend.wrap: inner backend");
        if (Proxy.isProxyClass(inner.getClass()) && Proxy.getInvocationHandler(inner) instanceof Handler)
            throw new IllegalArgumentException("CountingBackend.wrap: " + inner.name() + " is already a counting backend");
        return new CountingBackend(inner);
    }

    /** The counting backend. */
    public Backend backend() { return proxy; }

    /** The wrapped backend. */
    public Backend inner() { return inner; }

    /** Host reads (calls of read, readDouble, ... from outside the backend). */
    public long reads() { return reads.sum(); }

    public long readBytes() { return readBytes.sum(); }

    /** Host writes (calls of write, writeDouble, ...). */
    public long writes() { return writes.sum(); }

    public long writeBytes() { return writeBytes.sum(); }

    /** Calls of the method with this name (all overloads), 0 if never called. */
    public long calls(String method) {
        LongAdder a = calls.get(method);
        return a == null ? 0 : a.sum();
    }

    /** Calls per method name, sorted by name. */
    public Map<String, Long> callCounts() {
        Map<String, Long> m = new TreeMap<>();
        calls.forEach((k, v) -> m.put(k, v.sum()));
        return m;
    }

    /** Zeroes every counter. */
    public void reset() {
        reads.reset();
        readBytes.reset();
        writes.reset();
        writeBytes.reset();
        calls.clear();
    }

    /** One line: reads, writes and their bytes, then the calls per method. */
    public String report() {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%s: reads=%d (%d B) writes=%d (%d B) calls:",
                proxy.name(), reads(), readBytes(), writes(), writeBytes()));
        callCounts().forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    @Override public String toString() { return report(); }

    /** A storage of the inner backend seen through the counting backend. */
    public static final class CountingStorage implements Storage {
        private final Storage inner;
        private final Backend backend;

        CountingStorage(Storage inner, Backend backend) {
            this.inner = inner;
            this.backend = backend;
        }

        /** The inner backend's storage. */
        public Storage inner() { return inner; }

        @Override public long size() { return inner.size(); }

        @Override public Backend backend() { return backend; }

        // a scope closes the wrapper: the inner storage must go back to its backend's pool
        @Override public void close() { inner.close(); }

        @Override public boolean isClosed() { return inner.isClosed(); }

        @Override public String toString() { return "Counting(" + inner + ")"; }
    }

    static boolean isTransfer(String name) { return name.startsWith("read") || name.startsWith("write"); }

    /**
     * A kernel that hands a number back to the host (sumSquares' double) is a read of that scalar: a device
     * backend synchronises for it.
     */
    static boolean returnsHostScalar(Method m) {
        Class<?> r = m.getReturnType();
        return r == double.class || r == float.class || r == long.class;
    }

    private final class Handler implements InvocationHandler {
        @Override public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            String name = method.getName();
            if (method.getDeclaringClass() == Object.class) {
                switch (name) {
                    case "equals": return self == args[0];
                    case "hashCode": return System.identityHashCode(self);
                    default: return "CountingBackend(" + inner.name() + ")";
                }
            }
            if (name.equals("name") && method.getParameterCount() == 0) return "counting-" + inner.name();
            calls.computeIfAbsent(name, k -> new LongAdder()).increment();
            // handled by name so this holds before and after Backend gains the method (see the class comment)
            if (name.equals("extension") && method.getParameterCount() == 1) return null;
            boolean transfer = isTransfer(name), scalar = !transfer && returnsHostScalar(method);
            int[] depth = transferDepth.get();
            if (transfer) {
                if (depth[0] == 0) count(name, method, args);
                depth[0]++;
            } else if (scalar && depth[0] == 0) {
                reads.increment();
                readBytes.add(method.getReturnType() == float.class ? 4 : 8);
            }
            try {
                Object result;
                if (method.isDefault() && !overridden(method)) {
                    result = InvocationHandler.invokeDefault(self, method, args);
                } else {
                    result = method.invoke(inner, unwrapAll(args));
                }
                return wrapResult(method.getReturnType(), result);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            } finally {
                if (transfer) depth[0]--;
            }
        }

        private void count(String name, Method method, Object[] args) {
            long n = -1, elementBytes = 0;
            Class<?>[] types = method.getParameterTypes();
            for (int i = 0; i < types.length; i++) {
                if (types[i] == int.class) n = (Integer) args[i];
                else if (types[i] == long.class) n = (Long) args[i];
                else if (types[i].isArray() && types[i].getComponentType().isPrimitive())
                    elementBytes = elementBytes(types[i].getComponentType());
            }
            // without a count argument a transfer moves its whole host array
            if (n < 0 || elementBytes == 0) {
                for (int i = 0; i < types.length; i++)
                    if (args[i] != null && types[i].isArray() && types[i].getComponentType().isPrimitive()) {
                        n = Array.getLength(args[i]);
                        elementBytes = elementBytes(types[i].getComponentType());
                    }
            }
            long bytes = Math.max(0, n) * elementBytes;
            if (name.startsWith("read")) { reads.increment(); readBytes.add(bytes); }
            else { writes.increment(); writeBytes.add(bytes); }
        }

        // a training step makes thousands of calls: look each default method up in the inner class once
        private final Map<Method, Boolean> overrides = new ConcurrentHashMap<>();

        private boolean overridden(Method m) {
            return overrides.computeIfAbsent(m, k -> {
                try {
                    Method impl = inner.getClass().getMethod(k.getName(), k.getParameterTypes());
                    return !(impl.isDefault() && impl.getDeclaringClass() == k.getDeclaringClass());
                } catch (NoSuchMethodException e) {
                    return false;
                }
            });
        }

        private Object[] unwrapAll(Object[] args) {
            if (args == null) return null;
            Object[] out = args.clone();
            for (int i = 0; i < out.length; i++) {
                if (out[i] instanceof Storage) out[i] = unwrap((Storage) out[i]);
                else if (out[i] instanceof Storage[]) {
                    Storage[] s = ((Storage[]) out[i]).clone();
                    for (int j = 0; j < s.length; j++) s[j] = unwrap(s[j]);
                    out[i] = s;
                }
            }
            return out;
        }

        private Storage unwrap(Storage s) {
            Backend owner;
            Storage in;
            if (s instanceof CountingStorage) {
                owner = ((CountingStorage) s).backend;
                in = ((CountingStorage) s).inner;
            } else if (Proxy.isProxyClass(s.getClass()) && Proxy.getInvocationHandler(s) instanceof SubtypeHandler) {
                SubtypeHandler h = (SubtypeHandler) Proxy.getInvocationHandler(s);
                owner = h.backend;
                in = h.inner;
            } else {
                return s;
            }
            if (owner != proxy)
                throw new IllegalArgumentException("storage of backend " + owner.name() + " given to " + proxy.name());
            return in;
        }

        private Object wrapResult(Class<?> type, Object r) {
            if (r instanceof Storage) return wrap(type, (Storage) r);
            if (r instanceof Storage[]) {
                Storage[] s = (Storage[]) r;
                Class<?> element = type.isArray() ? type.getComponentType() : Storage.class;
                Storage[] out = (Storage[]) Array.newInstance(element, s.length);
                for (int i = 0; i < s.length; i++) out[i] = s[i] == null ? null : wrap(element, s[i]);
                return out;
            }
            return r;
        }

        // a method declared to return a sub-interface of Storage (an int32 storage, say) gets a proxy of that
        // interface: every method forwarded to the inner storage but backend(), which names the counting backend
        private Storage wrap(Class<?> type, Storage s) {
            if (type.isAssignableFrom(CountingStorage.class)) return new CountingStorage(s, proxy);
            if (!type.isInterface())
                throw new IllegalStateException("CountingBackend: cannot wrap a " + type.getName()
                        + " (a Storage class, not an interface) returned by " + inner.name());
            return (Storage) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, new SubtypeHandler(s, proxy));
        }
    }

    private static final class SubtypeHandler implements InvocationHandler {
        final Storage inner;
        final Backend backend;

        SubtypeHandler(Storage inner, Backend backend) {
            this.inner = inner;
            this.backend = backend;
        }

        @Override public Object invoke(Object self, Method method, Object[] args) throws Throwable {
            if (method.getName().equals("backend") && method.getParameterCount() == 0) return backend;
            if (method.getDeclaringClass() == Object.class) {
                switch (method.getName()) {
                    case "equals": return self == args[0];
                    case "hashCode": return System.identityHashCode(self);
                    default: return "Counting(" + inner + ")";
                }
            }
            try {
                return method.invoke(inner, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static long elementBytes(Class<?> c) {
        if (c == double.class || c == long.class) return 8;
        if (c == float.class || c == int.class) return 4;
        if (c == short.class || c == char.class) return 2;
        return 1;
    }
}
