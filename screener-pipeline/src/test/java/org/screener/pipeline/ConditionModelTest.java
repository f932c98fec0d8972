package org.screener.pipeline;

import org.junit.jupiter.api.Test;
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.ops.Shapes;

import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/** {@link ConditionModel#embed} builds its (image, ones) input on the backend, bit for bit the host-built one. */
class ConditionModelTest {
    @Test void embedEqualsTheNetworkOnTheHostBuiltInput() {
        Backend be = Backends.getDefault();
        ConditionModel model = new ConditionModel(be, ConditionConfig.cpuSmall(), new Random(1));
        int n = 2, vox = 16 * 16 * 16;
        float[] img = new float[n * vox];
        Random r = new Random(4);
        for (int i = 0; i < img.length; i++) img[i] = (float) r.nextGaussian();
        // signed zero and subnormals: image · 1 keeps them, so must the backend-built input
        float[] special = {-0f, 0f, Float.MIN_VALUE, -Float.MIN_NORMAL / 3};
        System.arraycopy(special, 0, img, 100, special.length);
        float[] ones = new float[n * vox];
        Arrays.fill(ones, 1f);
        Tensor image = Tensor.of(be, img, n, 1, 16, 16, 16);
        try (Autograd.Scope s = Autograd.noGrad()) {
            Tensor hostBuilt = Tensor.of(be, ConditionModel.input(img, ones, n, vox), n, 2, 16, 16, 16);
            float[] want = model.forward(hostBuilt).toArray(), got = model.embed(image).toArray();
            assertArrayEquals(bits(want), bits(got));
            // the input itself, also where infinities sit
            img[7] = Float.POSITIVE_INFINITY;
            img[8] = Float.NEGATIVE_INFINITY;
            float[] host = ConditionModel.input(img, ones, n, vox);
            float[] dev = Shapes.concat(1, Tensor.of(be, img, n, 1, 16, 16, 16), Tensor.full(be, 1f, n, 1, 16, 16, 16)).toArray();
            assertArrayEquals(bits(host), bits(dev));
        }
    }

    private static int[] bits(float[] a) {
        int[] b = new int[a.length];
        for (int i = 0; i < a.length; i++) b[i] = Float.floatToRawIntBits(a[i]);
        return b;
    }
}
