package org.screener.nn.density;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Gaussians' NLL through the CPU's fused kernel against their op-composed form, and their flags across loads. */
class GaussianFusedTest {
    @Test void fusedGaussiansAgreeWithTheOps() {
        Backend cpu = Backends.getDefault();
        Random rnd = new Random(3);
        Tensor y = Tensor.randn(cpu, rnd, 2f, 2, 5, 3, 4, 7), c = Tensor.randn(cpu, rnd, 1f, 2, 3, 3, 4, 7);
        MarginalGaussian m = new MarginalGaussian(cpu, 5);
        ConditionalGaussian cg = new ConditionalGaussian(cpu, 5, 3, 4, new Random(4));
        try (Autograd.Scope s = Autograd.noGrad()) { m.nll(y, null); cg.nll(y, c); }   // data-dependent init
        DensityTestUtil.perturb(cg, rnd, 0.3);
        for (DensityModel d : new DensityModel[]{m, cg}) {
            Tensor cc = d == m ? null : c;
            float[] ops = d.nll(y, cc).toArray();            // autograd on: the op path
            float[] fused;
            try (Autograd.Scope s = Autograd.noGrad()) { fused = d.nll(y, cc).toArray(); }
            assertEquals(ops.length, fused.length);
            for (int i = 0; i < ops.length; i++)
                assertEquals(ops[i], fused[i], 1e-5 * (1 + Math.abs(ops[i])), d.getClass().getSimpleName() + " voxel " + i);
        }
    }

    @Test void theInitialisedFlagFollowsCheckpointLoads() {
        Backend cpu = Backends.getDefault();
        Tensor y = Tensor.randn(cpu, new Random(5), 2f, 1, 3, 2, 3, 4);
        MarginalGaussian used = new MarginalGaussian(cpu, 3);
        try (Autograd.Scope s = Autograd.noGrad()) { used.nll(y, null); }
        assertTrue(used.isInitialized());
        Map<String, Tensor> fresh = new MarginalGaussian(cpu, 3).stateDict();
        MarginalGaussian other = new MarginalGaussian(cpu, 3);
        other.loadStateDict(used.stateDict(), true);
        assertTrue(other.isInitialized(), "initialized = 1 into a fresh model");
        try (Autograd.Scope s = Autograd.noGrad()) { assertArrayEquals(used.nll(y, null).toArray(), other.nll(y, null).toArray(), 0f); }
        used.loadStateDict(fresh, true);
        assertFalse(used.isInitialized(), "initialized = 0 into a used model");
    }
}
