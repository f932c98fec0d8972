package org.screener.nn.density;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.autograd.GradCheck;
import org.screener.nn.Parameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlowTest {

    /** A flow with its act-norms initialised on a random batch and all parameters moved off their start. */
    static Glow perturbedFlow(Backend b, int d, int dc, int k, int hidden, long seed) {
        Random rnd = new Random(seed);
        Glow g = new Glow(b, d, dc, k, hidden, rnd);
        Tensor y0 = Tensor.randn(b, rnd, 1.5f, 2, d, 2, 3, 4);
        Tensor c0 = dc > 0 ? Tensor.randn(b, rnd, 1f, 2, dc, 2, 3, 4) : null;
        try (Autograd.Scope s = Autograd.noGrad()) { g.nll(y0, c0); }
        DensityTestUtil.perturb(g, rnd, 0.2);
        return g;
    }

    @Test void actNormInitialisesFromTheFirstBatch() {
        Backend ref = GradCheck.ref();
        Random rnd = new Random(1);
        Glow g = new Glow(ref, 3, 0, 1, 4, rnd);
        Tensor y = Tensor.randn(ref, rnd, 3f, 2, 3, 3, 3, 3).add(5f);
        Glow.Step actNorm = g.steps().get(0);
        double[] z = actNorm.forward(y, null)[0].toDoubleArray();
        for (int j = 0; j < 3; j++) {
            double s = 0, s2 = 0;
            for (int n = 0; n < 2; n++) for (int p = 0; p < 27; p++) s += z[(n * 3 + j) * 27 + p];
            double mean = s / 54;
            for (int n = 0; n < 2; n++) for (int p = 0; p < 27; p++) s2 += Math.pow(z[(n * 3 + j) * 27 + p] - mean, 2);
            assertEquals(0, mean, 1e-9);
            assertEquals(1, Math.sqrt(s2 / 53), 1e-5);
        }
        // a second batch does not re-initialise
        double[] z2 = actNorm.forward(y.mul(2f), null)[0].toDoubleArray();
        assertTrue(Math.abs(z2[0] - z[0]) > 1e-3);
    }

    @Test void everyStepInvertsAndItsLogDetMatchesTheJacobian() {
        Backend ref = GradCheck.ref();
        for (int dc : new int[]{0, 2}) {
            Glow g = perturbedFlow(ref, 3, dc, 2, 5, 2 + dc);
            Random rnd = new Random(3);
            Tensor y = Tensor.randn(ref, rnd, 1f, 2, 3, 1, 2, 2);
            Tensor c = dc > 0 ? Tensor.randn(ref, rnd, 1f, 2, dc, 1, 2, 2) : null;
            for (Glow.Step s : g.steps()) {
                Tensor[] fz = s.forward(y, c);
                assertArrayEquals(y.toDoubleArray(), s.inverse(fz[0], c).toDoubleArray(), 1e-10, s.getClass().getSimpleName());
                assertArrayEquals(new int[]{2, 1, 2, 2}, fz[1].shape());
                // voxel (n=1, v=3): finite-difference Jacobian of its 3 outputs w.r.t. its 3 inputs
                double[] jac = fdJacobian(s, y, c, 1, 3);
                double[][] j3 = {{jac[0], jac[1], jac[2]}, {jac[3], jac[4], jac[5]}, {jac[6], jac[7], jac[8]}};
                assertEquals(Math.log(Math.abs(DensityTestUtil.det(j3))), fz[1].toDoubleArray()[4 + 3], 1e-6,
                        s.getClass().getSimpleName() + " dc=" + dc);
            }
            Tensor[] whole = g.forward(y, c);
            assertArrayEquals(y.toDoubleArray(), g.inverse(whole[0], c).toDoubleArray(), 1e-9);
        }
    }

    /** J[i][j] = ∂z_i/∂x_j at one voxel (n, v) of x (N, 3, D, H, W), central differences in double. */
    private static double[] fdJacobian(Glow.Step s, Tensor x, Tensor c, int n, int v) {
        int d = x.dim(1), nv = x.dim(2) * x.dim(3) * x.dim(4);
        double eps = 1e-6;
        double[] jac = new double[d * d];
        for (int j = 0; j < d; j++) {
            double[] xp = x.toDoubleArray(), xm = x.toDoubleArray();
            xp[(n * d + j) * nv + v] += eps;
            xm[(n * d + j) * nv + v] -= eps;
            double[] zp = s.forward(Tensor.ofDouble(x.backend(), xp, x.shape()), c)[0].toDoubleArray();
            double[] zm = s.forward(Tensor.ofDouble(x.backend(), xm, x.shape()), c)[0].toDoubleArray();
            for (int i = 0; i < d; i++) jac[i * d + j] = (zp[(n * d + i) * nv + v] - zm[(n * d + i) * nv + v]) / (2 * eps);
        }
        return jac;
    }

    @Test void densityIntegratesToOneIn2D() {
        Backend ref = GradCheck.ref();
        Glow g = perturbedFlow(ref, 2, 0, 2, 6, 5);
        int grid = 241;
        double lim = 12, h = 2 * lim / (grid - 1);
        double[] pts = new double[2 * grid * grid];
        for (int a = 0; a < grid; a++) for (int b = 0; b < grid; b++) {
            pts[a * grid + b] = -lim + a * h;
            pts[grid * grid + a * grid + b] = -lim + b * h;
        }
        double[] nll;
        try (Autograd.Scope s = Autograd.noGrad()) { nll = g.nll(Tensor.ofDouble(ref, pts, 1, 2, 1, grid, grid), null).toDoubleArray(); }
        double mass = 0, edge = 0;
        for (int a = 0; a < grid; a++) for (int b = 0; b < grid; b++) {
            double p = Math.exp(-nll[a * grid + b]) * h * h;
            mass += p;
            if (a == 0 || b == 0 || a == grid - 1 || b == grid - 1) edge = Math.max(edge, p / (h * h));
        }
        assertTrue(edge < 1e-6, "density at the grid edge " + edge);
        assertEquals(1, mass, 2e-3);
        // the flow is not the identity: its density differs from the standard normal's
        assertTrue(Math.abs(nll[(grid / 2) * grid + grid / 2] - Math.log(2 * Math.PI)) > 0.05);
    }

    @Test void gradcheckSmallConditionalFlow() {
        Backend ref = GradCheck.ref();
        Glow g = perturbedFlow(ref, 3, 2, 2, 3, 7);
        Random rnd = new Random(8);
        List<Tensor> in = new ArrayList<>(List.of(GradCheck.input(rnd, -1, 1, 1, 3, 1, 1, 2), GradCheck.input(rnd, -1, 1, 1, 2, 1, 1, 2)));
        for (Parameter p : g.parameters()) in.add(p.tensor());
        GradCheck.check("Glow", t -> g.nll(t[0], t[1]), in.toArray(new Tensor[0]));
    }

    @Test void conditionalFitBeatsUnconditional() {
        Backend cpu = Backends.getDefault();
        Tensor[] train = SyntheticPairs.make(cpu, new Random(20), 2, 8), test = SyntheticPairs.make(cpu, new Random(21), 1, 8);
        double cond = SyntheticPairs.fitAndScore(new Glow(cpu, 2, 1, 2, 16, new Random(4)), train, test, 200, 0.01);
        double marg = SyntheticPairs.fitAndScore(new Glow(cpu, 2, 0, 2, 16, new Random(4)), train, test, 200, 0.01);
        // best conditional ~0.03 nats, the marginal of (y0, y1) is a line-like density: lower than the Gaussian's 2.98 but far from 0
        assertTrue(cond < marg - 0.5, "conditional " + cond + " vs unconditional " + marg);
    }

    @Test void namesStateAndReleasedSize() {
        Backend ref = GradCheck.ref();
        Glow g1 = perturbedFlow(ref, 3, 2, 2, 4, 30);
        assertTrue(g1.namedParameters().keySet().containsAll(List.of("steps.0.actnorm.shift", "steps.0.actnorm.log_scale",
                "steps.1.actnorm.cond.weight", "steps.0.invconv.weight", "steps.1.coupling.net.4.weight", "steps.1.coupling.net.0.bias")));
        assertArrayEquals(new int[]{4, 3, 1, 1, 1}, g1.namedParameters().get("steps.0.coupling.net.0.weight").shape());
        // a fresh model loading the state reproduces the NLL and does not re-initialise its act-norms
        Glow g2 = new Glow(ref, 3, 2, 2, 4, new Random(99));
        g2.loadStateDict(g1.stateDict(), true);
        Random rnd = new Random(31);
        Tensor y = Tensor.randn(ref, rnd, 1f, 1, 3, 2, 1, 2), c = Tensor.randn(ref, rnd, 1f, 1, 2, 2, 1, 2);
        assertArrayEquals(g1.nll(y, c).toDoubleArray(), g2.nll(y, c).toDoubleArray(), 1e-12);
        assertTrue(((Glow.ActNorm) g2.steps().get(0)).isInitialized());
        // d = 32, K = 64, hidden 512: per step 2·32 (act-norm) + 32² + (16·512 + 512) + (512² + 512) + (512·32 + 32)
        assertEquals(64L * (64 + 1024 + 8704 + 262656 + 16416), new Glow(Backends.getDefault(), 32, 0, 64, 512, new Random(1)).numParameters());
        assertThrows(IllegalStateException.class, () -> g1.forward(y));
    }

    @Test void rejectsBadShapes() {
        Backend ref = GradCheck.ref();
        assertThrows(IllegalArgumentException.class, () -> new Glow(ref, 1, 0, 2, 4, new Random(1)));
        Glow g = new Glow(ref, 2, 1, 1, 4, new Random(1));
        assertThrows(IllegalArgumentException.class, () -> g.nll(Tensor.zeros(ref, 1, 3, 1, 1, 1), Tensor.zeros(ref, 1, 1, 1, 1, 1)));
        assertThrows(IllegalArgumentException.class, () -> g.nll(Tensor.zeros(ref, 1, 2, 1, 1, 1), null));
    }
}
