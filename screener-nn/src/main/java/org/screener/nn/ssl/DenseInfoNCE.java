package org.screener.nn.ssl;

import org.screener.core.Backend;
import org.screener.core.IndexTensor;
import org.screener.core.Shape;
import org.screener.core.Tensor;
import org.screener.core.TensorScope;
import org.screener.core.ops.Elementwise;
import org.screener.core.ops.Linalg;
import org.screener.core.ops.Losses;
import org.screener.core.ops.Reductions;
import org.screener.core.ops.Shapes;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Dense InfoNCE loss (method reference §2.4) over projector outputs of paired voxels, (M, P) per view. For a
 * view-1 row i the logits are its similarities to all view-2 rows followed by those to the other view-1 rows;
 * the positive is view-2 row i. Symmetric for view 2; the two cross-entropies are averaged.
 */
public final class DenseInfoNCE {
    public static final float TEMPERATURE = 0.1f;

    private DenseInfoNCE() {}

    public static Tensor loss(Tensor e1, Tensor e2) { return loss(e1, e2, TEMPERATURE); }

    public static Tensor loss(Tensor e1, Tensor e2, float temperature) {
        if (e1.rank() != 2 || !java.util.Arrays.equals(e1.shape(), e2.shape()) || e1.dim(0) < 2)
            throw new IllegalArgumentException("DenseInfoNCE: needs two (M, P) embeddings of equal shape with M >= 2, got "
                    + Shape.str(e1.shape()) + " and " + Shape.str(e2.shape()));
        if (!(temperature > 0)) throw new IllegalArgumentException("DenseInfoNCE: temperature must be positive, got " + temperature);
        Tensor n1 = normalize(e1), n2 = normalize(e2);
        int m = e1.dim(0);
        Constants k = constants(e1.backend(), m);
        Tensor selfMask = k.selfMask;
        IndexTensor target = k.target;
        float inv = 1f / temperature;
        Tensor s12 = Linalg.matmul(n1, n2, false, true).mul(inv);
        Tensor s11 = Linalg.matmul(n1, n1, false, true).mul(inv).add(selfMask);
        Tensor s22 = Linalg.matmul(n2, n2, false, true).mul(inv).add(selfMask);
        Tensor l1 = Losses.crossEntropy(Shapes.concat(1, s12, s11), target);
        Tensor l2 = Losses.crossEntropy(Shapes.concat(1, Shapes.permute(s12, 1, 0), s22), target);
        return l1.add(l2).mul(0.5f);
    }

    /** The self mask and the targets 0..m-1 of one batch size on one backend. */
    private record Constants(Tensor selfMask, IndexTensor target) {}

    // Written to the backend once per (backend, m), not every step (the mask alone is m² floats: 4 MB at m = 1024).
    // A training run uses one or two sizes; the entries live as long as the JVM.
    private static final Map<Backend, Map<Integer, Constants>> CONSTANTS = new IdentityHashMap<>();

    private static Constants constants(Backend be, int m) {
        synchronized (CONSTANTS) {
            return CONSTANTS.computeIfAbsent(be, b -> new HashMap<>()).computeIfAbsent(m, n -> TensorScope.outside(() -> {
                // The own entry is masked with a huge negative logit: its softmax weight is exactly 0, as if removed.
                float[] mask = new float[n * n];
                for (int i = 0; i < n; i++) mask[i * n + i] = -1e9f;
                int[] target = new int[n];
                for (int i = 0; i < n; i++) target[i] = i;
                return new Constants(Tensor.of(be, mask, n, n), IndexTensor.of(be, target, n));
            }));
        }
    }

    /** Rows scaled to unit L2 norm (norm floored at 1e-12 like torch.nn.functional.normalize). */
    public static Tensor normalize(Tensor e) {
        Tensor norm = Reductions.sumKeep(e.square(), 1).sqrt();
        return e.div(Elementwise.maximum(norm, Tensor.scalar(e.backend(), 1e-12f)));
    }
}
