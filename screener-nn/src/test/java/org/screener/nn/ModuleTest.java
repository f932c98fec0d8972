package org.screener.nn;

import org.junit.jupiter.api.Test;
import org.screener.core.Tensor;
import org.screener.nn.layers.BatchNorm;
import org.screener.nn.layers.Conv3d;
import org.screener.nn.layers.Linear;
import org.screener.nn.layers.Sequential;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModuleTest {
    /** A module with a parameter, a buffer and two children, to check naming order. */
    static final class Toy extends Module {
        final Parameter scale;
        Toy(Random r) {
            scale = registerParameter("scale", Tensor.ones(2));
            registerBuffer("count", Tensor.zeros(1));
            registerModule("body", new Sequential(new Linear(2, 3, true, r), new BatchNorm(3)));
            registerModule("out", new Linear(3, 1, false, r));
        }
        @Override public Tensor forward(Tensor x) { return x; }
    }

    @Test
    void dottedNamesInRegistrationOrder() {
        Toy t = new Toy(new Random(1));
        assertEquals(List.of("scale", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias", "out.weight"),
                new ArrayList<>(t.namedParameters().keySet()));
        assertEquals(List.of("count", "body.1.running_mean", "body.1.running_var"), new ArrayList<>(t.namedBuffers().keySet()));
        assertEquals(List.of("scale", "body.0.weight", "body.0.bias", "body.1.weight", "body.1.bias", "out.weight",
                "count", "body.1.running_mean", "body.1.running_var"), new ArrayList<>(t.stateDict().keySet()));
        assertEquals(2 + 6 + 3 + 3 + 3 + 3, t.numParameters());
        assertSame(t.namedParameters().get("body.0.weight"), ((Linear) t.submodule("body.0")).weight);
        assertThrows(IllegalArgumentException.class, () -> t.submodule("body.7"));
    }

    @Test
    void unetNamesFollowTheLevelLayout() {
        UNet3d u = new UNet3d(UNet3dConfig.cpuSmall(), new Random(2));
        Map<String, Parameter> p = u.namedParameters();
        for (String n : List.of("stem.weight", "enc.0.block.0.norm1.weight", "enc.0.block.0.conv1.weight", "enc.0.block.0.bias",
                "enc.0.block.0.layer_scale.gamma", "enc.1.down.weight", "enc.2.block.0.conv2.bias", "dec.0.fuse.weight",
                "dec.1.block.0.conv1.weight", "head.0.weight", "head.2.bias"))
            assertTrue(p.containsKey(n), n + " missing from " + p.keySet());
        assertFalse(p.containsKey("enc.0.down.weight"));
        assertFalse(p.containsKey("dec.2.fuse.weight"));
        assertArrayEquals(new int[]{8, 24, 1, 1, 1}, p.get("dec.0.fuse.weight").shape());
    }

    @Test
    void duplicateOrDottedNamesAreRejected() {
        class Bad extends Module {
            Bad(String a, String b) { registerParameter(a, Tensor.ones(1)); registerBuffer(b, Tensor.ones(1)); }
            @Override public Tensor forward(Tensor x) { return x; }
        }
        assertThrows(IllegalArgumentException.class, () -> new Bad("w", "w"));
        assertThrows(IllegalArgumentException.class, () -> new Bad("a.b", "c"));
    }

    @Test
    void trainEvalPropagatesAndZeroGradClears() {
        Toy t = new Toy(new Random(3));
        assertTrue(t.submodule("body.1").isTraining());
        t.eval();
        assertFalse(t.submodule("body.1").isTraining());
        t.train(true);
        assertTrue(t.submodule("body.1").isTraining());
        Linear out = (Linear) t.submodule("out");
        out.forward(Tensor.ones(4, 3)).sum().backward();
        assertNotNull(out.weight.grad());
        t.zeroGrad();
        assertNull(out.weight.grad());
    }

    @Test
    void loadStateDictCopiesAndReportsEveryProblem() {
        Toy a = new Toy(new Random(4)), b = new Toy(new Random(5));
        b.loadStateDict(a.stateDict(), true);
        for (Map.Entry<String, Tensor> e : a.stateDict().entrySet())
            assertArrayEquals(e.getValue().toArray(), b.stateDict().get(e.getKey()).toArray(), e.getKey());

        Map<String, Tensor> bad = new LinkedHashMap<>(a.stateDict());
        bad.remove("out.weight");
        bad.remove("body.1.running_var");
        bad.put("extra.thing", Tensor.ones(1));
        bad.put("body.0.bias", Tensor.ones(4));
        StateMismatchException ex = assertThrows(StateMismatchException.class, () -> b.loadStateDict(bad, true));
        assertEquals(List.of("out.weight", "body.1.running_var"), ex.missing());
        assertEquals(List.of("extra.thing"), ex.unexpected());
        assertEquals(List.of("body.0.bias: checkpoint [4] vs model [3]"), ex.mismatched());
        // non-strict still refuses wrong shapes but tolerates missing/unexpected names
        assertThrows(StateMismatchException.class, () -> b.loadStateDict(bad, false));
        bad.put("body.0.bias", Tensor.ones(3));
        b.loadStateDict(bad, false);
        assertArrayEquals(new float[]{1, 1, 1}, ((Linear) b.submodule("body.0")).bias.tensor().toArray());
    }

    @Test
    void parameterKeepsShapeAndStaysALeaf() {
        Parameter p = new Parameter(Tensor.zeros(2, 3));
        assertTrue(p.tensor().requiresGrad());
        Conv3d c = new Conv3d(1, 1, 1, 1, 0, false, new Random(6));
        Tensor computed = c.weight.tensor().mul(2f);
        assertThrows(IllegalArgumentException.class, () -> p.set(Tensor.zeros(3, 2)));
        Parameter q = new Parameter(computed);
        assertTrue(q.tensor().isLeaf());
    }
}
