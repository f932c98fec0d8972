package org.screener.core.autograd;

import org.screener.core.Tensor;

/** One recorded op on the tape: its inputs and the closure that back-propagates through it. */
public final class Node {
    final String name;
    Tensor[] inputs;
    BackwardFn fn;

    Node(String name, Tensor[] inputs, BackwardFn fn) {
        this.name = name;
        this.inputs = inputs;
        this.fn = fn;
    }

    public String name() { return name; }

    /** Drops the saved tensors as soon as this node's backward has run, so memory is freed during backward. */
    void release() {
        inputs = null;
        fn = null;
    }

    boolean released() { return fn == null; }
}
