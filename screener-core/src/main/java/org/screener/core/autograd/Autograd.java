package org.screener.core.autograd;

import org.screener.core.Shape;
import org.screener.core.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reverse-mode automatic differentiation over a dynamically recorded graph (the "tape"): every op that has an
 * input requiring grad attaches a {@link Node} to its output. {@link #backward} walks the nodes in reverse
 * topological order, accumulates into leaf {@code grad}s, and releases each node right after it has run.
 */
public final class Autograd {
    private static final ThreadLocal<int[]> disabled = ThreadLocal.withInitial(() -> new int[1]);

    private Autograd() {}

    /** True unless inside a {@link #noGrad()} scope on this thread. */
    public static boolean isEnabled() { return disabled.get()[0] == 0; }

    /** {@code try (var g = Autograd.noGrad()) { ... }}: nothing inside is recorded (inference). Nests. */
    public static AutoCloseable noGradScope() { return noGrad(); }

    public static Scope noGrad() {
        disabled.get()[0]++;
        return new Scope();
    }

    /** Closing restores recording; a checked-exception-free AutoCloseable. */
    public static final class Scope implements AutoCloseable {
        private boolean closed;
        @Override public void close() {
            if (!closed) { closed = true; disabled.get()[0]--; }
        }
    }

    /**
     * Attaches a backward closure to {@code out} if recording is on and any input requires grad.
     * Ops call this last and return its result.
     */
    public static Tensor record(Tensor out, String name, Tensor[] inputs, BackwardFn fn) {
        if (!isEnabled()) return out;
        boolean any = false;
        for (Tensor t : inputs) if (t != null && t.requiresGrad()) { any = true; break; }
        if (!any) return out;
        out.setGradFn(new Node(name, inputs, fn));
        return out;
    }

    /** Back-propagates from a scalar (or, with an explicit seed gradient, any) tensor. */
    public static void backward(Tensor root, Tensor seed) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward: tensor does not require grad (no input of its graph does)");
        if (seed == null) {
            if (root.numel() != 1)
                throw new IllegalArgumentException("backward: root has shape " + Shape.str(root.shape())
                        + "; give a seed gradient for a non-scalar");
            seed = Tensor.full(root.backend(), 1f, root.shape());
        } else if (!java.util.Arrays.equals(seed.shape(), root.shape())) {
            throw new IllegalArgumentException("backward: seed shape " + Shape.str(seed.shape())
                    + " does not match root shape " + Shape.str(root.shape()));
        }
        List<Tensor> order = topoOrder(root);
        Map<Tensor, Tensor> grads = new IdentityHashMap<>();
        grads.put(root, seed);
        try (Scope s = noGrad()) {
            for (Tensor t : order) {
                Tensor g = grads.remove(t);
                if (g == null) continue;
                Node node = t.gradFn();
                if (node == null) {           // leaf
                    t.accumulateGrad(g);
                    continue;
                }
                if (node.released())
                    throw new IllegalStateException("backward: graph through '" + node.name
                            + "' was already freed by an earlier backward");
                Tensor[] ins = node.inputs;
                Tensor[] gin = node.fn.apply(g);
                if (gin.length != ins.length)
                    throw new IllegalStateException("backward of '" + node.name + "' returned " + gin.length
                            + " gradients for " + ins.length + " inputs");
                node.release();
                for (int i = 0; i < ins.length; i++) {
                    Tensor in = ins[i];
                    if (in == null || !in.requiresGrad() || gin[i] == null) continue;
                    if (!java.util.Arrays.equals(gin[i].shape(), in.shape()))
                        throw new IllegalStateException("backward of '" + node.name + "': gradient shape "
                                + Shape.str(gin[i].shape()) + " for input " + i + " of shape " + Shape.str(in.shape()));
                    Tensor prev = grads.get(in);
                    grads.put(in, prev == null ? gin[i] : prev.add(gin[i]));
                }
            }
        }
    }

    /** Nodes reachable from root, root first, each before its inputs (iterative DFS: deep UNets overflow recursion). */
    private static List<Tensor> topoOrder(Tensor root) {
        List<Tensor> post = new ArrayList<>();
        Map<Tensor, Boolean> seen = new IdentityHashMap<>();
        Deque<Object[]> stack = new ArrayDeque<>();
        stack.push(new Object[]{root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Tensor t = (Tensor) top[0];
            int i = (Integer) top[1];
            Node node = t.gradFn();
            Tensor[] ins = node == null || node.inputs == null ? new Tensor[0] : node.inputs;
            if (i < ins.length) {
                top[1] = i + 1;
                Tensor in = ins[i];
                if (in != null && in.requiresGrad() && seen.put(in, Boolean.TRUE) == null)
                    stack.push(new Object[]{in, 0});
            } else {
                stack.pop();
                post.add(t);
            }
        }
        Collections.reverse(post);
        return post;
    }
}
