package org.screener.core;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * The lifetime of the tensors of one unit of work (a training step, an inference window). While a scope is
 * open on a thread, every storage that {@link Tensor}'s factories create on that thread (zeros, empty, full,
 * of, ofDouble, randn, rand, and so every op output) is registered with the innermost open scope; closing the
 * scope closes them all, so the backend reuses their memory for the next step instead of waiting for the GC.
 *
 * <pre>{@code
 * try (TensorScope s = TensorScope.open()) {
 *     Tensor loss = model.forward(x).square().mean();
 *     loss.backward();
 *     optimizer.step();
 *     model.zeroGrad();
 * }   // activations, gradients and temporaries of the step are freed here
 * }</pre>
 *
 * <p>What must outlive the scope has to be made outside it or {@link #keep kept}: parameters, optimizer state,
 * running statistics, anything cached across steps (a position encoding built on first use, a constant mask).
 * Writing into such a tensor in place ({@code assign}, {@code addInPlace}, an optimizer update) is fine; putting
 * a tensor made in the scope into a field is not. A tensor used after its scope ended fails at once with
 * IllegalStateException ("... used after close"). Views (reshape, detach) share their source's storage and live
 * and die with it. Storages a backend allocates for itself, and those of other threads, are not registered:
 * the GC frees them as before.
 *
 * <p>Scopes nest; each must be closed on the thread that opened it, innermost first (closing an outer scope
 * while an inner one is open is an error). A scope that is never closed keeps everything made in it alive.
 * A scope holds its first storages strongly, up to an eighth of the heap ({@code -Dscreener.scope.strongMb=N}),
 * and the rest weakly: a temporary that nothing references any more can then still be collected by the GC
 * mid-step, so a step that allocates more than the heap holds (the paper preset) peaks where it would without
 * a scope; what the GC has not taken by close() is recycled. A scope should span one step or window, not a
 * whole run.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<ArrayDeque<TensorScope>> STACK = ThreadLocal.withInitial(ArrayDeque::new);

    private final Thread owner = Thread.currentThread();
    private final TensorScope parent;
    // Storages (held strongly) up to STRONG_BYTES a scope, WeakReferences beyond: a large model's step
    // allocates more than it ever holds at once (the paper preset's step: 23 GB allocated, 11 GB peak), and
    // the scope must not keep its dead temporaries from the GC (that step ran out of a 14 GB heap when the
    // scope held everything). Below the limit every buffer is recycled, so small steps reuse all of theirs.
    private final List<Object> owned = new ArrayList<>();
    private long strongBytes;

    /** {@code -Dscreener.scope.strongMb=N}; default an eighth of the max heap. */
    private static volatile long STRONG_BYTES = strongLimit();

    /** Sets the strong limit (tests); returns the previous one. */
    static long strongLimit(long bytes) {
        long old = STRONG_BYTES;
        STRONG_BYTES = bytes;
        return old;
    }

    private static long strongLimit() {
        String mb = System.getProperty("screener.scope.strongMb");
        if (mb == null || mb.isBlank()) return Runtime.getRuntime().maxMemory() / 8;
        try {
            long v = Long.parseLong(mb.trim());
            if (v < 0) throw new NumberFormatException();
            return v << 20;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("screener.scope.strongMb must be a non-negative number of MB, got '" + mb + "'");
        }
    }
    private final Set<Storage> kept = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean closed;

    private TensorScope(TensorScope parent) { this.parent = parent; }

    /** Opens a scope nested in this thread's current one (if any). */
    public static TensorScope open() {
        ArrayDeque<TensorScope> st = STACK.get();
        TensorScope s = new TensorScope(st.peek());
        st.push(s);
        return s;
    }

    /** The innermost open scope of this thread, or null. */
    public static TensorScope current() { return STACK.get().peek(); }

    /** Called by Tensor's factories for every storage they create. */
    static void register(Storage s) {
        if (OUTSIDE.get()[0] > 0) return;
        TensorScope top = STACK.get().peek();
        if (top != null) top.add(s);
    }

    private static final ThreadLocal<int[]> OUTSIDE = ThreadLocal.withInitial(() -> new int[1]);

    /**
     * Runs {@code make} with no scope registering what it creates: for constants cached across steps (a mask,
     * a list of targets) that are first built inside a step. What it makes is left to the GC.
     */
    public static <T> T outside(java.util.function.Supplier<T> make) {
        int[] depth = OUTSIDE.get();
        depth[0]++;
        try {
            return make.get();
        } finally {
            depth[0]--;
        }
    }

    /**
     * Lets t's storage (and so every view of it) outlive this scope: it moves to the enclosing scope when this
     * one closes, or to the GC when there is none. Only the storage: t's gradient is a separate tensor. A tensor
     * not made in this scope is left alone. Returns t.
     */
    public Tensor keep(Tensor t) {
        checkOpen("keep");
        if (t != null) kept.add(t.storage());
        return t;
    }

    /** {@link #keep(Tensor)} for each (nulls are skipped). */
    public void keep(Tensor... ts) {
        for (Tensor t : ts) keep(t);
    }

    /** {@link #keep(Tensor)} for each (nulls are skipped). */
    public void keepAll(Iterable<Tensor> ts) {
        for (Tensor t : ts) keep(t);
    }

    private void add(Storage s) {
        long bytes = 4 * s.size();
        if (strongBytes + bytes <= STRONG_BYTES) {
            owned.add(s);
            strongBytes += bytes;
        } else {
            owned.add(new WeakReference<>(s));
        }
    }

    /** Storages registered with this scope so far (kept ones included). */
    public int size() { return owned.size(); }

    public boolean isClosed() { return closed; }

    private void checkOpen(String op) {
        if (closed) throw new IllegalStateException("TensorScope." + op + ": the scope is already closed");
    }

    /**
     * Closes every storage registered here except the kept ones, which go to the enclosing scope. Idempotent.
     * Throws IllegalStateException (closing nothing) on another thread or while a scope opened inside this one
     * is still open.
     */
    @Override public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner)
            throw new IllegalStateException("TensorScope.close on thread " + Thread.currentThread().getName()
                    + ": the scope belongs to thread " + owner.getName());
        ArrayDeque<TensorScope> st = STACK.get();
        if (st.peek() != this)
            throw new IllegalStateException("TensorScope.close out of order: a scope opened inside this one is still open"
                    + " (close the innermost scope first)");
        st.pop();
        closed = true;
        RuntimeException first = null;
        for (int i = owned.size() - 1; i >= 0; i--) {
            Object o = owned.get(i);
            Storage s = o instanceof Storage ? (Storage) o : (Storage) ((WeakReference<?>) o).get();
            if (s == null) continue;   // collected by the GC: nothing can use it
            if (kept.contains(s)) {
                if (parent != null) parent.add(s);
                continue;
            }
            try {
                s.close();
            } catch (RuntimeException e) {   // still free the rest
                if (first == null) first = e;
            }
        }
        owned.clear();
        kept.clear();
        if (first != null) throw first;
    }
}
