package org.screener.nn.ssl;

import org.junit.jupiter.api.Test;
import org.screener.core.Tensor;
import org.screener.core.autograd.GradCheck;
import org.screener.nn.Parameter;
import org.screener.nn.layers.Sequential;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HeadsTest {

    @Test void expanderLayoutAndSizes() {
        Sequential e = Heads.vicregExpander(GradCheck.ref(), 32, 64, new Random(1));
        Map<String, Parameter> p = e.namedParameters();
        assertArrayEquals(new int[]{64, 32}, p.get("0.weight").shape());
        assertArrayEquals(new int[]{64}, p.get("1.weight").shape());
        assertArrayEquals(new int[]{64, 64}, p.get("3.weight").shape());
        assertArrayEquals(new int[]{64, 64}, p.get("6.weight").shape());
        assertFalse(p.containsKey("6.bias"));
        assertEquals(32 * 64 + 64 + 2 * 64 + 64 * 64 + 64 + 2 * 64 + 64 * 64, e.numParameters());
        assertArrayEquals(new int[]{5, 64}, e.forward(Tensor.randn(GradCheck.ref(), new Random(2), 1f, 5, 32)).shape());
        assertThrows(IllegalArgumentException.class, () -> Heads.vicregExpander(GradCheck.ref(), 32, 48, new Random(1)));
    }

    @Test void projectorLayoutAndSizes() {
        Sequential pr = Heads.infoNceProjector(GradCheck.ref(), 32, 16, 8, new Random(3));
        Map<String, Parameter> p = pr.namedParameters();
        assertArrayEquals(new int[]{8, 16}, p.get("6.weight").shape());
        assertFalse(p.containsKey("6.bias"));
        assertEquals(32 * 16 + 16 + 32 + 16 * 16 + 16 + 32 + 16 * 8, pr.numParameters());
        assertArrayEquals(new int[]{5, 8}, pr.forward(Tensor.randn(GradCheck.ref(), new Random(4), 1f, 5, 32)).shape());
    }

    /** Heads and losses together: gradients reach every head parameter and the descriptors. */
    @Test void gradcheckThroughHeadsAndLosses() {
        Random rnd = new Random(5);
        Sequential e = Heads.vicregExpander(GradCheck.ref(), 3, 32, rnd);
        Sequential pr = Heads.infoNceProjector(GradCheck.ref(), 3, 4, 3, rnd);
        Tensor a = GradCheck.input(rnd, -1, 1, 4, 3), b = GradCheck.input(rnd, -1, 1, 4, 3);
        GradCheck.check("VICReg head", t -> DenseVICReg.loss(e.forward(t[0]), e.forward(t[1])), a, b);
        List<Tensor> in = new ArrayList<>(List.of(a, b));
        for (Parameter p : pr.parameters()) in.add(p.tensor());
        GradCheck.check("InfoNCE head", t -> DenseInfoNCE.loss(pr.forward(t[0]), pr.forward(t[1])), in.toArray(new Tensor[0]));
        e.zeroGrad();
        DenseVICReg.loss(e.forward(a), e.forward(b)).backward();
        for (Parameter p : e.parameters()) assertTrue(p.grad() != null, "gradient for " + p);
    }
}
