package org.screener.core;

import org.junit.jupiter.api.Test;
import org.screener.core.autograd.GradCheck;
import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Reductions;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ElementwiseTest {
    @Test
    void broadcastingBinaryOpsGradcheck() {
        Random rnd = new Random(1);
        Tensor a = GradCheck.input(rnd, 0.5, 2, 2, 3, 4);
        Tensor b = GradCheck.input(rnd, 0.5, 2, 3, 1);
        GradCheck.check("add", t -> Elementwise.add(t[0], t[1]), a, b);
        GradCheck.check("sub", t -> Elementwise.sub(t[0], t[1]), a, b);
        GradCheck.check("mul", t -> Elementwise.mul(t[0], t[1]), a, b);
        GradCheck.check("div", t -> Elementwise.div(t[0], t[1]), a, b);
        GradCheck.check("pow", t -> Elementwise.pow(t[0], t[1]), a, b);
    }

    @Test
    void shapeErrorNamesOpAndShapes() {
        Tensor a = Tensor.zeros(2, 3), b = Tensor.zeros(4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[2, 3]") && e.getMessage().contains("[4]"), e.getMessage());
    }

    @Test
    void sumBackwardOnDefaultBackend() {
        Tensor x = Tensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y = Reductions.sum(x.mul(x), 1);
        assertArrayEquals(new float[]{14, 77}, y.toArray());
        Reductions.sum(y).backward();
        assertArrayEquals(new float[]{2, 4, 6, 8, 10, 12}, x.grad().toArray());
    }
}
