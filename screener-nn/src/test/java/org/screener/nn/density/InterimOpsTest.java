package org.screener.nn.density;

import org.junit.jupiter.api.Test;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.autograd.GradCheck;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class InterimOpsTest {

    @Test void conv3dMatchesDirectLoops() {
        Random rnd = new Random(1);
        int n = 2, cin = 3, cout = 5, d = 4, h = 3, w = 5, k = 3, p = 1;
        Tensor x = Tensor.randn(GradCheck.ref(), rnd, 1f, n, cin, d, h, w);
        Tensor wt = Tensor.randn(GradCheck.ref(), rnd, 1f, cout, cin, k, k, k);
        Tensor b = Tensor.randn(GradCheck.ref(), rnd, 1f, cout);
        double[] xa = x.toDoubleArray(), wa = wt.toDoubleArray(), ba = b.toDoubleArray();
        double[] expected = new double[n * cout * d * h * w];
        for (int i = 0; i < n; i++) for (int o = 0; o < cout; o++)
            for (int z = 0; z < d; z++) for (int y = 0; y < h; y++) for (int q = 0; q < w; q++) {
                double s = ba[o];
                for (int c = 0; c < cin; c++) for (int a = 0; a < k; a++) for (int bb = 0; bb < k; bb++) for (int e = 0; e < k; e++) {
                    int zz = z + a - p, yy = y + bb - p, qq = q + e - p;
                    if (zz < 0 || zz >= d || yy < 0 || yy >= h || qq < 0 || qq >= w) continue;
                    s += xa[(((i * cin + c) * d + zz) * h + yy) * w + qq] * wa[(((o * cin + c) * k + a) * k + bb) * k + e];
                }
                expected[(((i * cout + o) * d + z) * h + y) * w + q] = s;
            }
        assertArrayEquals(expected, InterimOps.conv3d(x, wt, b, 1, p).toDoubleArray(), 1e-9);
        assertArrayEquals(new int[]{n, cout, d, h, w}, InterimOps.conv3d(x, wt, b, 1, p).shape());
        assertThrows(IllegalArgumentException.class, () -> InterimOps.conv3d(x, wt, b, 2, p));
        Tensor cpu = InterimOps.conv3d(x.to(Backends.getDefault()), wt.to(Backends.getDefault()), b.to(Backends.getDefault()), 1, p);
        assertArrayEquals(expected, cpu.toDoubleArray(), 1e-4);
    }

    @Test void conv3dGradcheck() {
        Random rnd = new Random(2);
        Tensor x = GradCheck.input(rnd, -1, 1, 1, 2, 3, 2, 3), w = GradCheck.input(rnd, -1, 1, 3, 2, 3, 3, 3), b = GradCheck.input(rnd, -1, 1, 3);
        GradCheck.check("conv3d", in -> InterimOps.conv3d(in[0], in[1], in[2], 1, 1), x, w, b);
    }
}
