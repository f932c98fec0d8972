package org.screener.nn;

import org.junit.jupiter.api.Test;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;

import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UNet3dTest {
    @Test
    void outputKeepsOddInputSizes() {
        UNet3d u = new UNet3d(UNet3dConfig.cpuSmall().withOutChannels(5), new Random(1));
        Tensor x = Tensor.randn(Backends.getDefault(), new Random(2), 1f, 1, 1, 9, 6, 7);
        assertArrayEquals(new int[]{1, 5, 9, 6, 7}, u.forward(x).shape());
        assertThrows(IllegalArgumentException.class, () -> u.forward(Tensor.zeros(1, 1, 3, 8, 8)));
        assertThrows(IllegalArgumentException.class, () -> u.forward(Tensor.zeros(1, 2, 8, 8, 8)));
    }

    @Test
    void everyParameterReceivesAGradient() {
        UNet3d u = new UNet3d(UNet3dConfig.cpuSmall(), new Random(3));
        Tensor x = Tensor.randn(Backends.getDefault(), new Random(4), 1f, 1, 1, 8, 8, 8);
        u.forward(x).square().mean().backward();
        for (Map.Entry<String, Parameter> e : u.namedParameters().entrySet()) assertNotNull(e.getValue().grad(), e.getKey());
    }

    @Test
    void headInitIsUniformInSqrtOneOverSumOfChannels() {
        UNet3d u = new UNet3d(UNet3dConfig.cpuSmall(), new Random(5));
        double bound = Math.sqrt(1.0 / (8 + 16 + 32));
        double max = 0;
        for (int i = 0; i < 3; i++) {
            for (float v : u.headProjection(i).weight.tensor().toArray()) max = Math.max(max, Math.abs(v));
            for (float v : u.headProjection(i).bias.tensor().toArray()) assertEquals(0f, v);
        }
        assertTrue(max <= bound && max > 0.5 * bound, "max |w| " + max + " vs bound " + bound);
    }

    /** Counted by hand from the architecture in the method notes (§2.2), level by level. */
    static long handCount(int in, int[] c, int[] blocks, int d) {
        long n = (long) in * c[0] * 27 + c[0];                                     // stem
        for (int i = 0; i < c.length; i++) {
            long conv3 = (long) c[i] * c[i] * 27 + c[i];
            long block = 2 * conv3 + 2 * (2L * c[i]) + c[i] + c[i];                // 2 convs, 2 GN, bias, layer scale
            n += (long) blocks[i] * block;                                         // encoder blocks
            if (i > 0) n += (long) c[i - 1] * c[i] * 8 + c[i];                     // down conv
            if (i < c.length - 1) n += (long) blocks[i] * block + (long) (c[i + 1] + c[i]) * c[i] + c[i]; // decoder
            n += (long) c[i] * d + d;                                              // head projection
        }
        return n;
    }

    @Test
    void paperPresetHasAboutOneHundredMillionParameters() {
        UNet3dConfig cfg = UNet3dConfig.paper();
        long expect = handCount(1, cfg.channels, cfg.blocks, cfg.outChannels);
        assertEquals(expect, UNet3d.countParameters(cfg));
        UNet3d u = new UNet3d(cfg, new Random(6)); // constructed only, never run
        assertEquals(expect, u.numParameters());
        assertTrue(u.numParameters() > 90_000_000L && u.numParameters() < 105_000_000L, "paper UNet has " + u.numParameters());
        System.out.println("paper UNet3d parameters: " + u.numParameters());
    }

    @Test
    void cpuSmallCountMatchesHandCount() {
        UNet3dConfig cfg = UNet3dConfig.cpuSmall();
        assertEquals(handCount(1, cfg.channels, cfg.blocks, cfg.outChannels), new UNet3d(cfg, new Random(7)).numParameters());
    }

    @Test
    void configJsonRoundTripAndValidation() {
        for (String name : new String[]{"paper", "cpu-small"}) {
            UNet3dConfig c = UNet3dConfig.preset(name);
            UNet3dConfig back = UNet3dConfig.fromJson(c.toJson());
            assertEquals(c, back);
        }
        assertTrue(UNet3dConfig.paper().toJson().contains("\"channels\""));
        assertNotEquals(UNet3dConfig.paper(), UNet3dConfig.cpuSmall());
        assertThrows(IllegalArgumentException.class, () -> UNet3dConfig.preset("huge"));
        assertThrows(IllegalArgumentException.class, () -> UNet3dConfig.fromJson("{\"channels\":[8,16],\"blocks\":[1],\"outChannels\":2}"));
        assertThrows(IllegalArgumentException.class, () -> UNet3dConfig.fromJson("{\"channels\":[8"));
        assertThrows(IllegalArgumentException.class, () -> new UNet3dConfig(1, new int[]{8, 0}, new int[]{1, 1}, 4));
        assertEquals(32, UNet3dConfig.paper().minInputSize());
    }

    @Test
    void sameSeedSameWeights() {
        float[] a = new UNet3d(UNet3dConfig.cpuSmall(), new Random(9)).namedParameters().get("enc.1.down.weight").tensor().toArray();
        float[] b = new UNet3d(UNet3dConfig.cpuSmall(), new Random(9)).namedParameters().get("enc.1.down.weight").tensor().toArray();
        assertArrayEquals(a, b);
    }
}
