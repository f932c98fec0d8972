package org.screener.core.ops;

import org.screener.core.Backend;
import org.screener.core.BinaryOp;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.UnaryOp;
import org.screener.core.autograd.Autograd;

import java.util.Arrays;

/** Broadcasting arithmetic and elementwise math, each with its backward. */
public final class Elementwise {
    private Elementwise() {}

    static Backend sameBackend(String op, Tensor a, Tensor b) {
        if (a.backend() != b.backend())
            throw new IllegalArgumentException(op + ": operands live on backends " + a.backend().name() + " and " + b.backend().name());
        return a.backend();
    }

    /** out = a op b with broadcasting, no graph. */
    static Tensor binaryRaw(BinaryOp op, Tensor a, Tensor b) {
        Backend be = sameBackend(op.name().toLowerCase(), a, b);
        int[] os = Shape.broadcast(op.name().toLowerCase(), a.shape(), b.shape());
        Tensor out = Tensor.empty(be, os);
        be.binary(op, a.storage(), Shape.padTo(a.shape(), os.length), b.storage(), Shape.padTo(b.shape(), os.length),
                out.storage(), os);
        return out;
    }

    /** Sums a broadcast gradient back down to the shape of the operand it belongs to. */
    public static Tensor sumToShape(Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Arrays.equals(gs, shape)) return g;
        int[] padded = Shape.padTo(shape, gs.length);
        Tensor r = Tensor.empty(g.backend(), padded);
        g.backend().reduceSum(g.storage(), gs, r.storage(), padded);
        return Tensor.wrap(r.storage(), shape);
    }

    static Tensor unaryRaw(UnaryOp op, Tensor x, float p0, float p1) {
        Tensor y = Tensor.empty(x.backend(), x.shape());
        x.backend().unary(op, x.storage(), y.storage(), x.numel(), p0, p1);
        return y;
    }

    /** A unary op whose backward is the backend's unaryBackward kernel. */
    public static Tensor unary(UnaryOp op, Tensor x, float p0, float p1) {
        Tensor y = unaryRaw(op, x, p0, p1);
        return Autograd.record(y, op.name().toLowerCase(), new Tensor[]{x}, gy -> {
            Tensor gx = Tensor.empty(x.backend(), x.shape());
            x.backend().unaryBackward(op, x.storage(), y.storage(), gy.storage(), gx.storage(), x.numel(), p0, p1);
            return new Tensor[]{gx};
        });
    }

    public static Tensor add(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.ADD, a, b);
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record(out, "add", new Tensor[]{a, b},
                g -> new Tensor[]{sumToShape(g, as), sumToShape(g, bs)});
    }

    public static Tensor sub(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.SUB, a, b);
        int[] as = a.shape(), bs = b.shape();
        return Autograd.record(out, "sub", new Tensor[]{a, b},
                g -> new Tensor[]{sumToShape(g, as), b.requiresGrad() ? sumToShape(unaryRaw(UnaryOp.NEG, g, 0, 0), bs) : null});
    }

    public static Tensor mul(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.MUL, a, b);
        return Autograd.record(out, "mul", new Tensor[]{a, b}, g -> new Tensor[]{
                a.requiresGrad() ? sumToShape(binaryRaw(BinaryOp.MUL, g, b), a.shape()) : null,
                b.requiresGrad() ? sumToShape(binaryRaw(BinaryOp.MUL, g, a), b.shape()) : null});
    }

    public static Tensor div(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.DIV, a, b);
        return Autograd.record(out, "div", new Tensor[]{a, b}, g -> {
            Tensor ga = binaryRaw(BinaryOp.DIV, g, b);
            Tensor gb = b.requiresGrad()
                    ? sumToShape(unaryRaw(UnaryOp.NEG, binaryRaw(BinaryOp.MUL, ga, out), 0, 0), b.shape()) : null;
            return new Tensor[]{a.requiresGrad() ? sumToShape(ga, a.shape()) : null, gb};
        });
    }

    /** a^b elementwise (a > 0 where b is not an integer). */
    public static Tensor pow(Tensor a, Tensor b) {
        Tensor out = binaryRaw(BinaryOp.POW, a, b);
        return Autograd.record(out, "pow", new Tensor[]{a, b}, g -> {
            Tensor ga = null, gb = null;
            if (a.requiresGrad()) {
                // b * a^(b-1) = b * out / a would divide by zero at a = 0; compute a^(b-1) directly
                Tensor bm1 = unaryRaw(UnaryOp.ADD_SCALAR, b, -1f, 0);
                ga = sumToShape(binaryRaw(BinaryOp.MUL, g, binaryRaw(BinaryOp.MUL, b, binaryRaw(BinaryOp.POW, a, bm1))), a.shape());
            }
            if (b.requiresGrad())
                gb = sumToShape(binaryRaw(BinaryOp.MUL, g, binaryRaw(BinaryOp.MUL, out, unaryRaw(UnaryOp.LOG, a, 0, 0))), b.shape());
            return new Tensor[]{ga, gb};
        });
    }

    /** Elementwise max; the gradient goes to a where a >= b, else to b. */
    public static Tensor maximum(Tensor a, Tensor b) { return minMax(BinaryOp.MAX, a, b); }

    /** Elementwise min; the gradient goes to a where a <= b, else to b. */
    public static Tensor minimum(Tensor a, Tensor b) { return minMax(BinaryOp.MIN, a, b); }

    private static Tensor minMax(BinaryOp op, Tensor a, Tensor b) {
        Tensor out = binaryRaw(op, a, b);
        return Autograd.record(out, op.name().toLowerCase(), new Tensor[]{a, b}, g -> {
            // mask = 1 where a wins: a == out (ties to a), built from ops every backend has
            Tensor diff = binaryRaw(BinaryOp.SUB, out, a);
            Tensor absd = unaryRaw(UnaryOp.ABS, diff, 0, 0);
            Tensor notA = unaryRaw(UnaryOp.CLAMP, unaryRaw(UnaryOp.MUL_SCALAR, absd, Float.MAX_VALUE, 0), 0f, 1f);
            Tensor isA = unaryRaw(UnaryOp.ADD_SCALAR, unaryRaw(UnaryOp.NEG, notA, 0, 0), 1f, 0);
            return new Tensor[]{
                    a.requiresGrad() ? sumToShape(binaryRaw(BinaryOp.MUL, g, isA), a.shape()) : null,
                    b.requiresGrad() ? sumToShape(binaryRaw(BinaryOp.MUL, g, notA), b.shape()) : null};
        });
    }

    public static Tensor addScalar(Tensor x, float s) { return unary(UnaryOp.ADD_SCALAR, x, s, 0); }
    public static Tensor mulScalar(Tensor x, float s) { return unary(UnaryOp.MUL_SCALAR, x, s, 0); }
    public static Tensor neg(Tensor x) { return unary(UnaryOp.NEG, x, 0, 0); }
    public static Tensor exp(Tensor x) { return unary(UnaryOp.EXP, x, 0, 0); }
    public static Tensor log(Tensor x) { return unary(UnaryOp.LOG, x, 0, 0); }
    public static Tensor sqrt(Tensor x) { return unary(UnaryOp.SQRT, x, 0, 0); }
    public static Tensor abs(Tensor x) { return unary(UnaryOp.ABS, x, 0, 0); }
    public static Tensor square(Tensor x) { return unary(UnaryOp.SQUARE, x, 0, 0); }
    public static Tensor reciprocal(Tensor x) { return unary(UnaryOp.RECIPROCAL, x, 0, 0); }
    public static Tensor pow(Tensor x, float exponent) { return unary(UnaryOp.POW_SCALAR, x, exponent, 0); }
    /** Clamp to [lo, hi]; the gradient is zero where clamped. */
    public static Tensor clamp(Tensor x, float lo, float hi) {
        if (!(lo <= hi)) throw new IllegalArgumentException("clamp: low " + lo + " above high " + hi);
        return unary(UnaryOp.CLAMP, x, lo, hi);
    }
}
