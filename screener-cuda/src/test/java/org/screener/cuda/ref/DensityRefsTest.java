package org.screener.cuda.ref;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Activations;
import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Reductions;
import org.screener.core.ops.Shapes;

import java.util.Random;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The kernels' double references against the same math written with screener-core's differentiable ops on the
 * reference backend (forward values and autograd gradients), and against central finite differences of the
 * references themselves, on awkward sizes.
 */
class DensityRefsTest {
    private static final Backend REF = GradCheck.ref();
    /** (N, d, V) triples: odd, prime, d = 1 / 2 edge cases and an empty batch. */
    private static final int[][] SIZES = {{2, 3, 35}, {1, 7, 13}, {3, 2, 11}, {2, 5, 1}, {0, 4, 6}};

    @Test
    void gaussianNllMatchesCoreOps() {
        Random rnd = new Random(11);
        for (int[] sz : SIZES) {
            int n = sz[0], d = sz[1], v = sz[2];
            double[] y = rand(rnd, n * d * v, -2, 2), mu = rand(rnd, n * d * v, -2, 2), lv = rand(rnd, n * d * v, -1.5, 1.5);
            double[] g = rand(rnd, n * v, -1, 1);
            Tensor[] in = {leaf(y, n, d, v), leaf(mu, n, d, v), leaf(lv, n, d, v)};
            Tensor out = coreNll(in);
            close("gaussian_nll forward " + str(sz), out.toDoubleArray(), GaussianNllRef.forward(y, mu, lv, n, d, v), 1e-12);
            Reductions.sum(Elementwise.mul(out, Tensor.ofDouble(REF, g, n, v))).backward();
            double[][] grads = GaussianNllRef.backward(y, mu, lv, g, n, d, v);
            for (int i = 0; i < 3; i++)
                close("gaussian_nll grad " + i + " " + str(sz), gradOf(in[i]), grads[i], 1e-12);
        }
    }

    @Test
    void gaussianNllBackwardMatchesFiniteDifferences() {
        Random rnd = new Random(12);
        int n = 2, d = 3, v = 5;
        double[] y = rand(rnd, n * d * v, -2, 2), mu = rand(rnd, n * d * v, -2, 2), lv = rand(rnd, n * d * v, -1, 1);
        double[] g = rand(rnd, n * v, -1, 1);
        double[][] grads = GaussianNllRef.backward(y, mu, lv, g, n, d, v);
        double[][] args = {y, mu, lv};
        for (int i = 0; i < 3; i++)
            close("gaussian_nll fd " + i, fd(args[i], () -> dot(GaussianNllRef.forward(y, mu, lv, n, d, v), g)), grads[i], 1e-6);
    }

    @Test
    void affineCouplingMatchesCoreOps() {
        Random rnd = new Random(21);
        for (int[] sz : SIZES) {
            int n = sz[0], d = sz[1], v = sz[2], db = d - d / 2;
            double[] y = rand(rnd, n * d * v, -2, 2), h = rand(rnd, n * 2 * db * v, -4, 4);
            double[] gout = rand(rnd, n * d * v, -1, 1), gld = rand(rnd, n * v, -1, 1);
            Tensor ty = leaf(y, n, d, v), th = leaf(h, n, 2 * db, v);
            Tensor[] out = coreCoupling(ty, th, d);
            double[][] ref = AffineCouplingRef.forward(y, h, n, d, v);
            close("affine_coupling out " + str(sz), out[0].toDoubleArray(), ref[0], 1e-12);
            close("affine_coupling logdet " + str(sz), out[1].toDoubleArray(), ref[1], 1e-12);
            Elementwise.add(Reductions.sum(Elementwise.mul(out[0], Tensor.ofDouble(REF, gout, n, d, v))),
                    Reductions.sum(Elementwise.mul(out[1], Tensor.ofDouble(REF, gld, n, v)))).backward();
            double[][] grads = AffineCouplingRef.backward(y, h, gout, gld, n, d, v);
            close("affine_coupling dy " + str(sz), gradOf(ty), grads[0], 1e-12);
            close("affine_coupling dh " + str(sz), gradOf(th), grads[1], 1e-12);
        }
    }

    @Test
    void affineCouplingBackwardMatchesFiniteDifferences() {
        Random rnd = new Random(22);
        int n = 2, d = 5, v = 3, db = d - d / 2;
        double[] y = rand(rnd, n * d * v, -2, 2), h = rand(rnd, n * 2 * db * v, -4, 4);
        double[] gout = rand(rnd, n * d * v, -1, 1), gld = rand(rnd, n * v, -1, 1);
        double[][] grads = AffineCouplingRef.backward(y, h, gout, gld, n, d, v);
        Function<Void, Double> f = u -> {
            double[][] o = AffineCouplingRef.forward(y, h, n, d, v);
            return dot(o[0], gout) + dot(o[1], gld);
        };
        close("affine_coupling fd dy", fd(y, () -> f.apply(null)), grads[0], 1e-6);
        close("affine_coupling fd dh", fd(h, () -> f.apply(null)), grads[1], 1e-6);
    }

    @Test
    void affineCouplingIsStableForLargeLogits() {
        double[][] o = AffineCouplingRef.forward(new double[]{1, 1}, new double[]{-800, 0}, 1, 2, 1);
        assertEquals(-798, o[1][0], 1e-9, "log sigmoid(-798) must not underflow to -inf");
        o = AffineCouplingRef.forward(new double[]{1, 1}, new double[]{800, 0}, 1, 2, 1);
        assertEquals(0, o[1][0], 1e-12);
        assertEquals(1, o[0][1], 1e-12);
    }

    @Test
    void perVoxelMatmulMatchesLinalg() {
        Random rnd = new Random(31);
        int[][] sizes = {{2, 5, 3, 35}, {1, 7, 7, 13}, {3, 1, 4, 11}, {2, 4, 1, 1}, {0, 3, 3, 5}};   // N, p, d, V
        for (int[] sz : sizes) {
            int n = sz[0], p = sz[1], d = sz[2], v = sz[3];
            double[] w = rand(rnd, p * d, -1, 1), x = rand(rnd, n * d * v, -2, 2), g = rand(rnd, n * p * v, -1, 1);
            Tensor tw = leaf(w, p, d), tx = leaf(x, n, d, v);
            Tensor y = Linalg.perVoxelMatmul(tw, tx);
            close("per_voxel_matmul " + str(sz), y.toDoubleArray(), PerVoxelMatmulRef.forward(w, x, n, p, d, v), 1e-12);
            if (n > 0) {
                Reductions.sum(Elementwise.mul(y, Tensor.ofDouble(REF, g, n, p, v))).backward();
                close("per_voxel_matmul dx " + str(sz), gradOf(tx), PerVoxelMatmulRef.backwardX(w, g, n, p, d, v), 1e-12);
                close("per_voxel_matmul dW " + str(sz), gradOf(tw), PerVoxelMatmulRef.backwardW(g, x, n, p, d, v), 1e-12);
            }
        }
    }

    @Test
    void perVoxelMatmulBackwardMatchesFiniteDifferences() {
        Random rnd = new Random(32);
        int n = 2, p = 3, d = 4, v = 7;
        double[] w = rand(rnd, p * d, -1, 1), x = rand(rnd, n * d * v, -2, 2), g = rand(rnd, n * p * v, -1, 1);
        close("per_voxel_matmul fd dx", fd(x, () -> dot(PerVoxelMatmulRef.forward(w, x, n, p, d, v), g)),
                PerVoxelMatmulRef.backwardX(w, g, n, p, d, v), 1e-6);
        close("per_voxel_matmul fd dW", fd(w, () -> dot(PerVoxelMatmulRef.forward(w, x, n, p, d, v), g)),
                PerVoxelMatmulRef.backwardW(g, x, n, p, d, v), 1e-6);
    }

    @Test
    void badShapesAreRejectedWithNamedMessages() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GaussianNllRef.forward(new double[6], new double[6], new double[5], 1, 2, 3));
        assertTrue(e.getMessage().contains("gaussian_nll") && e.getMessage().contains("5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AffineCouplingRef.forward(new double[6], new double[6], 1, 3, 2));
        assertTrue(e.getMessage().contains("affine_coupling") && e.getMessage().contains("h"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> AffineCouplingRef.forward(new double[3], new double[6], 1, 1, 3));
        assertTrue(e.getMessage().contains("d >= 2"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> PerVoxelMatmulRef.forward(new double[6], new double[6], 1, 2, 2, 3));
        assertTrue(e.getMessage().contains("per_voxel_matmul") && e.getMessage().contains("w"), e.getMessage());
    }

    // ---- the same math with core ops ----

    private static Tensor coreNll(Tensor[] t) {
        Tensor r = Elementwise.sub(t[0], t[1]);
        Tensor q = Elementwise.add(Elementwise.mul(Elementwise.square(r), Elementwise.exp(Elementwise.neg(t[2]))), t[2]);
        double[] c = new double[(int) q.numel()];
        java.util.Arrays.fill(c, GaussianNllRef.LOG_2PI);   // in double: addScalar would round log 2π to float
        return Elementwise.mulScalar(Reductions.sum(Elementwise.add(q, Tensor.ofDouble(REF, c, q.shape())), 1), 0.5f);
    }

    private static Tensor[] coreCoupling(Tensor y, Tensor h, int d) {
        int da = d / 2, db = d - da;
        Tensor ya = Shapes.slice(y, 1, 0, da), yb = Shapes.slice(y, 1, da, d);
        Tensor t = Elementwise.addScalar(Shapes.slice(h, 1, 0, db), 2f), shift = Shapes.slice(h, 1, db, 2 * db);
        Tensor ob = Elementwise.mul(Elementwise.add(yb, shift), Activations.sigmoid(t));
        Tensor out = da == 0 ? ob : Shapes.concat(1, ya, ob);
        return new Tensor[]{out, Reductions.sum(Activations.logSigmoid(t), 1)};
    }

    // ---- helpers ----

    private static Tensor leaf(double[] a, int... shape) { return Tensor.ofDouble(REF, a, shape).requiresGrad(true); }

    private static double[] gradOf(Tensor t) { return t.grad() == null ? new double[(int) t.numel()] : t.grad().toDoubleArray(); }

    static double[] rand(Random rnd, int len, double lo, double hi) {
        double[] a = new double[len];
        for (int i = 0; i < len; i++) a[i] = lo + (hi - lo) * rnd.nextDouble();
        return a;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    /** Central differences of f with respect to every element of x (x is perturbed in place and restored). */
    private static double[] fd(double[] x, java.util.function.DoubleSupplier f) {
        double eps = 1e-6;
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double o = x[i];
            x[i] = o + eps;
            double fp = f.getAsDouble();
            x[i] = o - eps;
            double fm = f.getAsDouble();
            x[i] = o;
            g[i] = (fp - fm) / (2 * eps);
        }
        return g;
    }

    private static void close(String what, double[] got, double[] want, double tol) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++)
            if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i]))))
                throw new AssertionError(what + ": element " + i + ": " + got[i] + " vs " + want[i]);
    }

    private static String str(int[] sz) { return java.util.Arrays.toString(sz); }
}
