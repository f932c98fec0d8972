package org.screener.core;

import org.screener.core.autograd.Autograd;
import org.screener.core.autograd.Node;
import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Reductions;
import org.screener.core.ops.Shapes;

import java.util.Arrays;
import java.util.Random;

/**
 * A contiguous float32 tensor of rank 0 to 5 (N, C, D, H, W for volumes) whose storage belongs to a
 * {@link Backend}. Ops live in {@code org.screener.core.ops}; the instance methods here are shortcuts.
 * Tensors are immutable in value once an op has consumed them, except through the explicit in-place helpers
 * used by optimizers ({@link #assign}, {@link #addInPlace}).
 *
 * <p>Lifetime: every factory here registers the new storage with the thread's open {@link TensorScope}, which
 * frees it when the scope closes; outside any scope the GC frees it. Ops allocate their outputs with
 * {@link #empty} (contents unspecified, the kernel overwrites them) or {@link #zeros} (accumulated into or
 * only partly written).
 */
public final class Tensor {
    public static final int MAX_RANK = 5;

    private final Backend backend;
    private final Storage storage;
    private final int[] shape;
    private final long numel;
    private boolean requiresGrad;
    private Tensor grad;
    private Node gradFn;

    private Tensor(Backend backend, Storage storage, int[] shape) {
        if (shape.length > MAX_RANK)
            throw new IllegalArgumentException("tensor rank " + shape.length + " above " + MAX_RANK + ": " + Shape.str(shape));
        this.backend = backend;
        this.storage = storage;
        this.shape = shape.clone();
        this.numel = Shape.numel(shape);
        if (storage.size() < numel)
            throw new IllegalArgumentException("storage of " + storage.size() + " elements is too small for shape " + Shape.str(shape));
    }

    // ---- construction -------------------------------------------------------------------------------------

    /** Wraps an existing storage (no copy, not registered with a scope: the storage's owner decides its lifetime). */
    public static Tensor wrap(Storage storage, int... shape) { return new Tensor(storage.backend(), storage, shape); }

    /** Zero-filled. */
    public static Tensor zeros(Backend b, int... shape) { return owned(b, b.allocate(Shape.numel(shape)), shape); }

    public static Tensor zeros(int... shape) { return zeros(Backends.getDefault(), shape); }

    /**
     * Unspecified contents (see {@link Backend#allocateUninitialized}): for op outputs that the kernel
     * overwrites completely. An output that is accumulated into or only partly written needs {@link #zeros}.
     */
    public static Tensor empty(Backend b, int... shape) { return owned(b, b.allocateUninitialized(Shape.numel(shape)), shape); }

    /** A new storage from a factory: registered with the thread's open {@link TensorScope}, if any. */
    private static Tensor owned(Backend b, Storage s, int[] shape) {
        Tensor t;
        try {
            t = new Tensor(b, s, shape);
        } catch (IllegalArgumentException e) {
            s.close();
            throw e;
        }
        TensorScope.register(s);
        return t;
    }

    public static Tensor full(Backend b, float value, int... shape) {
        if (value == 0f) return zeros(b, shape);
        Tensor t = empty(b, shape);
        b.fill(t.storage, 0, t.numel, value);
        return t;
    }

    public static Tensor full(float value, int... shape) { return full(Backends.getDefault(), value, shape); }

    public static Tensor ones(int... shape) { return full(1f, shape); }

    public static Tensor scalar(Backend b, float v) { return full(b, v); }

    /** Copies data into a new tensor on backend b. */
    public static Tensor of(Backend b, float[] data, int... shape) {
        long n = Shape.numel(shape);
        if (n != data.length)
            throw new IllegalArgumentException("Tensor.of: " + data.length + " values for shape " + Shape.str(shape) + " (" + n + ")");
        Tensor t = empty(b, shape);
        b.write(t.storage, 0, data, 0, data.length);
        return t;
    }

    public static Tensor of(float[] data, int... shape) { return of(Backends.getDefault(), data, shape); }

    public static Tensor ofDouble(Backend b, double[] data, int... shape) {
        if (Shape.numel(shape) != data.length)
            throw new IllegalArgumentException("Tensor.ofDouble: " + data.length + " values for shape " + Shape.str(shape));
        Tensor t = empty(b, shape);
        b.writeDouble(t.storage, 0, data, 0, data.length);
        return t;
    }

    /** Standard normal entries scaled by std, from the given generator (every random choice takes a seed). */
    public static Tensor randn(Backend b, Random rnd, float std, int... shape) {
        double[] d = new double[Math.toIntExact(Shape.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = rnd.nextGaussian() * std;
        return ofDouble(b, d, shape);
    }

    /** Uniform entries in [lo, hi). */
    public static Tensor rand(Backend b, Random rnd, float lo, float hi, int... shape) {
        double[] d = new double[Math.toIntExact(Shape.numel(shape))];
        for (int i = 0; i < d.length; i++) d[i] = lo + (hi - lo) * rnd.nextDouble();
        return ofDouble(b, d, shape);
    }

    // ---- accessors ----------------------------------------------------------------------------------------

    public Backend backend() { return backend; }
    public Storage storage() { return storage; }
    public int[] shape() { return shape.clone(); }
    public int rank() { return shape.length; }
    public long numel() { return numel; }

    /** Size of an axis; negative counts from the end. */
    public int dim(int axis) { return shape[Shape.axis("dim", axis, shape.length)]; }

    public float[] toArray() {
        float[] a = new float[Math.toIntExact(numel)];
        backend.read(storage, 0, a, 0, a.length);
        return a;
    }

    public double[] toDoubleArray() {
        double[] a = new double[Math.toIntExact(numel)];
        backend.readDouble(storage, 0, a, 0, a.length);
        return a;
    }

    public float item() {
        if (numel != 1) throw new IllegalStateException("item: tensor has shape " + Shape.str(shape) + ", not one element");
        float[] a = new float[1];
        backend.read(storage, 0, a, 0, 1);
        return a[0];
    }

    public double itemDouble() {
        if (numel != 1) throw new IllegalStateException("itemDouble: tensor has shape " + Shape.str(shape) + ", not one element");
        double[] a = new double[1];
        backend.readDouble(storage, 0, a, 0, 1);
        return a[0];
    }

    /** A copy on another backend (no graph). */
    public Tensor to(Backend other) {
        if (other == backend) return this;
        double[] d = toDoubleArray();
        return ofDouble(other, d, shape);
    }

    // ---- autograd -----------------------------------------------------------------------------------------

    public boolean requiresGrad() { return requiresGrad; }

    /** Marks a leaf as a variable to differentiate; returns this. */
    public Tensor requiresGrad(boolean on) {
        if (gradFn != null && !on) throw new IllegalStateException("requiresGrad(false) on a non-leaf tensor; use detach()");
        this.requiresGrad = on;
        return this;
    }

    public Tensor grad() { return grad; }

    public void zeroGrad() { grad = null; }

    public Node gradFn() { return gradFn; }

    /** Used by {@link Autograd#record}. */
    public void setGradFn(Node node) { this.gradFn = node; this.requiresGrad = true; }

    public boolean isLeaf() { return gradFn == null; }

    /** Adds g to this leaf's accumulated gradient. */
    public void accumulateGrad(Tensor g) {
        if (grad == null) {
            // keep our own buffer: g may be shared with another input's gradient
            Tensor c = empty(backend, shape);
            backend.copy(g.storage, 0, c.storage, 0, numel);
            grad = c;
        } else {
            grad.addInPlace(g, 1f);
        }
    }

    /** Back-propagates from this scalar. */
    public void backward() { Autograd.backward(this, null); }

    public void backward(Tensor seed) { Autograd.backward(this, seed); }

    /** Same storage, no graph. */
    public Tensor detach() { return new Tensor(backend, storage, shape); }

    // ---- in-place helpers (optimizers only; never on tensors inside a live graph) --------------------------

    /** this += alpha * other (same shape). */
    public Tensor addInPlace(Tensor other, float alpha) {
        checkSame("addInPlace", other);
        if (alpha == 1f) {
            backend.binary(BinaryOp.ADD, storage, shape, other.storage, other.shape, storage, shape);
        } else {
            Tensor scaled = empty(backend, shape);
            backend.unary(UnaryOp.MUL_SCALAR, other.storage, scaled.storage, numel, alpha, 0f);
            backend.binary(BinaryOp.ADD, storage, shape, scaled.storage, shape, storage, shape);
        }
        return this;
    }

    /** Copies other's values into this (same shape). */
    public Tensor assign(Tensor other) {
        checkSame("assign", other);
        backend.copy(other.storage, 0, storage, 0, numel);
        return this;
    }

    private void checkSame(String op, Tensor other) {
        if (!Arrays.equals(shape, other.shape))
            throw new IllegalArgumentException(op + ": shapes " + Shape.str(shape) + " and " + Shape.str(other.shape) + " differ");
        if (other.backend != backend)
            throw new IllegalArgumentException(op + ": tensors live on backends " + backend.name() + " and " + other.backend.name());
    }

    // ---- shortcuts to ops ----------------------------------------------------------------------------------

    public Tensor add(Tensor o) { return Elementwise.add(this, o); }
    public Tensor sub(Tensor o) { return Elementwise.sub(this, o); }
    public Tensor mul(Tensor o) { return Elementwise.mul(this, o); }
    public Tensor div(Tensor o) { return Elementwise.div(this, o); }
    public Tensor add(float s) { return Elementwise.addScalar(this, s); }
    public Tensor mul(float s) { return Elementwise.mulScalar(this, s); }
    public Tensor neg() { return Elementwise.neg(this); }
    public Tensor exp() { return Elementwise.exp(this); }
    public Tensor log() { return Elementwise.log(this); }
    public Tensor sqrt() { return Elementwise.sqrt(this); }
    public Tensor square() { return Elementwise.square(this); }
    public Tensor sum(int... axes) { return Reductions.sum(this, axes); }
    public Tensor mean(int... axes) { return Reductions.mean(this, axes); }
    public Tensor matmul(Tensor o) { return Linalg.matmul(this, o); }
    public Tensor reshape(int... newShape) { return Shapes.reshape(this, newShape); }

    @Override public String toString() {
        return "Tensor" + Shape.str(shape) + "@" + backend.name() + (requiresGrad ? " requiresGrad" : "");
    }
}
