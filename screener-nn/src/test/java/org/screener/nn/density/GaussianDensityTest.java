package org.screener.nn.density;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.GradCheck;
import org.screener.nn.Parameter;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertFalse;

class GaussianDensityTest {

    /** −log N(y; μ, diag e^s) summed over channels. */
    static double closedForm(double[] y, double[] mu, double[] logVar) {
        double s = 0;
        for (int j = 0; j < y.length; j++)
            s += 0.5 * Math.log(2 * Math.PI) + 0.5 * logVar[j] + 0.5 * (y[j] - mu[j]) * (y[j] - mu[j]) / Math.exp(logVar[j]);
        return s;
    }

    @Test void marginalNllIsTheClosedForm() {
        Random rnd = new Random(1);
        Backend ref = GradCheck.ref();
        int n = 2, d = 3, v = 2 * 3 * 2;
        MarginalGaussian g = new MarginalGaussian(ref, d);
        double[] mu = {0.5, -1, 2}, lv = {0.3, -0.7, 1.1};
        g.mean().tensor().assign(Tensor.ofDouble(ref, mu, d));
        g.logVar().tensor().assign(Tensor.ofDouble(ref, lv, d));
        g.markInitialized();
        Tensor y = Tensor.randn(ref, rnd, 2f, n, d, 2, 3, 2);
        double[] ya = y.toDoubleArray(), nll = g.nll(y, null).toDoubleArray();
        assertArrayEquals(new int[]{n, 2, 3, 2}, g.nll(y, null).shape());
        for (int i = 0; i < n; i++) for (int p = 0; p < v; p++) {
            double[] yv = new double[d];
            for (int j = 0; j < d; j++) yv[j] = ya[(i * d + j) * v + p];
            assertEquals(closedForm(yv, mu, lv), nll[i * v + p], 1e-6);
        }
        GradCheck.check("MarginalGaussian", in -> g.nll(in[0], null),
                GradCheck.input(rnd, -2, 2, 1, d, 1, 2, 2), g.mean().tensor(), g.logVar().tensor());
    }

    /** Per-channel mean and unbiased log-variance of y (N, d, ...), by hand. */
    static double[][] moments(double[] ya, int n, int d, int v) {
        double[] mu = new double[d], lv = new double[d];
        for (int j = 0; j < d; j++) {
            double s = 0, s2 = 0;
            for (int i = 0; i < n; i++) for (int p = 0; p < v; p++) s += ya[(i * d + j) * v + p];
            mu[j] = s / (n * v);
            for (int i = 0; i < n; i++) for (int p = 0; p < v; p++) s2 += Math.pow(ya[(i * d + j) * v + p] - mu[j], 2);
            lv[j] = Math.log(s2 / (n * v - 1));
        }
        return new double[][]{mu, lv};
    }

    @Test void marginalStartsAtTheFirstBatchsMoments() {
        Random rnd = new Random(3);
        Backend ref = GradCheck.ref();
        MarginalGaussian g = new MarginalGaussian(ref, 3);
        assertFalse(g.isInitialized());
        Tensor y = Tensor.randn(ref, rnd, 2f, 2, 3, 2, 3, 2).add(5f);
        double[][] m = moments(y.toDoubleArray(), 2, 3, 12);
        g.nll(y, null);
        assertTrue(g.isInitialized());
        assertArrayEquals(m[0], g.mean().tensor().toDoubleArray(), 1e-9);
        assertArrayEquals(m[1], g.logVar().tensor().toDoubleArray(), 1e-9);
        // later batches do not move it
        g.nll(y.mul(3f), null);
        assertArrayEquals(m[0], g.mean().tensor().toDoubleArray(), 1e-9);
        // the flag travels with the state dict
        MarginalGaussian h = new MarginalGaussian(ref, 3);
        h.loadStateDict(g.stateDict(), true);
        assertTrue(h.isInitialized());
        // a file from before the flag existed: trained parameters, no flag; loads as initialised, unchanged
        java.util.Map<String, Tensor> old = new java.util.LinkedHashMap<>(g.stateDict());
        old.remove("initialized");
        MarginalGaussian k = new MarginalGaussian(ref, 3);
        assertThrows(RuntimeException.class, () -> k.loadStateDict(old, true));
        k.loadStateDict(k.withInitializedFlags(old), true);
        assertTrue(k.isInitialized());
        assertArrayEquals(m[0], k.mean().tensor().toDoubleArray(), 1e-9);
        k.nll(y.mul(3f), null);
        assertArrayEquals(m[0], k.mean().tensor().toDoubleArray(), 1e-9);
    }

    @Test void conditionalNllIsTheClosedFormOfItsPredictions() {
        Random rnd = new Random(2);
        Backend ref = GradCheck.ref();
        int d = 2, dc = 3;
        ConditionalGaussian g = new ConditionalGaussian(ref, d, dc, 4, rnd);
        // starts at the first batch's marginal fit, whatever the condition
        Tensor y = Tensor.randn(ref, rnd, 1f, 1, d, 3, 2, 3).add(2f), c = Tensor.randn(ref, rnd, 1f, 1, dc, 3, 2, 3);
        double[] ya = y.toDoubleArray(), nll0 = g.nll(y, c).toDoubleArray();
        double[][] m0 = moments(ya, 1, d, 18);
        assertTrue(g.isInitialized());
        for (int p = 0; p < 18; p++)
            assertEquals(closedForm(new double[]{ya[p], ya[18 + p]}, m0[0], m0[1]), nll0[p], 1e-6);
        DensityTestUtil.perturb(g, rnd, 0.3);
        Tensor[] ml = g.meanAndLogVar(c);
        double[] mu = ml[0].toDoubleArray(), lv = ml[1].toDoubleArray(), nll = g.nll(y, c).toDoubleArray();
        for (int p = 0; p < 18; p++)
            assertEquals(closedForm(new double[]{ya[p], ya[18 + p]}, new double[]{mu[p], mu[18 + p]}, new double[]{lv[p], lv[18 + p]}),
                    nll[p], 1e-6); // float constants inside the ops
        // the 3x3x3 kernel sees neighbours: changing c at one voxel changes μ next to it
        double[] ca = c.toDoubleArray();
        ca[0] += 1;
        double[] mu2 = g.meanAndLogVar(Tensor.ofDouble(ref, ca, c.shape()))[0].toDoubleArray();
        assertTrue(Math.abs(mu2[1] - mu[1]) > 1e-6, "neighbour of a changed voxel");
        List<Tensor> in = new ArrayList<>(List.of(GradCheck.input(rnd, -1, 1, 1, d, 2, 2, 1), GradCheck.input(rnd, -1, 1, 1, dc, 2, 2, 1)));
        for (Parameter p : g.parameters()) in.add(p.tensor());
        GradCheck.check("ConditionalGaussian", t -> g.nll(t[0], t[1]), in.toArray(new Tensor[0]));
        assertThrows(IllegalArgumentException.class, () -> g.nll(y, null));
        assertThrows(IllegalArgumentException.class, () -> g.nll(y, Tensor.zeros(ref, 1, dc, 3, 2, 2)));
    }

    /** y depends on c at the same voxel; fitted conditional beats fitted marginal on held-out data. */
    @Test void conditionalFitBeatsMarginal() {
        Backend cpu = Backends.getDefault();
        Tensor[] train = SyntheticPairs.make(cpu, new Random(10), 4, 8), test = SyntheticPairs.make(cpu, new Random(11), 1, 8);
        Random rnd = new Random(3);
        DensityModel cond = new ConditionalGaussian(cpu, 2, 1, 4, rnd), marg = new MarginalGaussian(cpu, 2);
        double condNll = SyntheticPairs.fitAndScore(cond, train, test, 300, 0.01);
        double margNll = SyntheticPairs.fitAndScore(marg, train, test, 300, 0.02);
        // marginal optimum ~2.98 nats, conditional optimum ~0.03 (see SyntheticPairs)
        assertTrue(margNll > 2.8, "marginal " + margNll);
        assertTrue(condNll < margNll - 2, "conditional " + condNll + " vs marginal " + margNll);
    }
}
