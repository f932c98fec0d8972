package org.screener.core.ext;

import org.screener.core.Storage;

/**
 * Fused inference kernels of the voxel densities (screener-nn's {@code density} package), offered by a backend
 * through {@link org.screener.core.Backend#extension}: {@code backend.extension(DensityExtension.class)}.
 * Storage level like {@link org.screener.core.Backend}: dimensions and storages of that backend, no nn types.
 * Forward only (no autograd): callers use it when autograd is off and fall back to their op-composed
 * definition when the backend returns null. Layout: NCDHW flattened to (N, C, V), V = D·H·W voxels,
 * float32; outputs (N, V) are fully overwritten.
 *
 * <p>Named DensityExtension, not DensityKernels, because screener-cuda's {@code org.screener.cuda.DensityKernels}
 * (the CUDA launcher) is the class that will implement it: one simple name for both would be read as one type.
 *
 * <p>CPU: {@code org.screener.core.cpu.DensityCpu}; reference: {@code org.screener.core.ref.DensityRef};
 * test: {@code DensityCpuTest} (and screener-nn's {@code GlowFusedTest} against the op-composed NLL).
 */
public interface DensityExtension {
    /**
     * One Glow's weights as storages of the backend, per step k (act-norm, invertible 1×1×1 conv, affine coupling;
     * the layout of screener-nn's Glow):
     * <ul>
     * <li>{@code shift[k]}, {@code logScale[k]}: (d) act-norm parameters, z = (x + shift)·exp(logScale);</li>
     * <li>{@code condWeight[k]}: (2d, dc) the conditional act-norm's linear map of the condition (rows [0, d) add to
     * the shift, [d, 2d) to the log-scale), null when dc = 0 (then the whole array may be null);</li>
     * <li>{@code invWeight[k]}: (d, d) the invertible conv W, z = W·x; {@code invLogAbsDet[k]}: (1) log|det W|
     * (computed by the caller where it keeps W's factorisation; a kernel never inverts or factorises);</li>
     * <li>{@code w1[k]} (hidden, half + dc), {@code b1[k]} (hidden), {@code w2[k]} (hidden, hidden), {@code b2[k]}
     * (hidden), {@code w3[k]} (2·rest, hidden), {@code b3[k]} (2·rest): the coupling net
     * [x_a; c] → ReLU(W1·+b1) → ReLU(W2·+b2) → W3·+b3 = [raw; shift_b], half = ⌊d/2⌋, rest = d − half.</li>
     * </ul>
     */
    record GlowWeights(int d, int dc, int hidden, int steps, Storage[] shift, Storage[] logScale, Storage[] condWeight,
                       Storage[] invWeight, Storage[] invLogAbsDet, Storage[] w1, Storage[] b1, Storage[] w2,
                       Storage[] b2, Storage[] w3, Storage[] b3) {
        public GlowWeights {
            if (d < 2 || dc < 0 || hidden < 1 || steps < 1)
                throw new IllegalArgumentException("GlowWeights: needs d >= 2, dc >= 0, hidden >= 1, steps >= 1; got d=" + d
                        + ", dc=" + dc + ", hidden=" + hidden + ", steps=" + steps);
            int half = d / 2, rest = d - half;
            check("shift", shift, steps, d);
            check("logScale", logScale, steps, d);
            if (dc > 0) check("condWeight", condWeight, steps, 2L * d * dc);
            check("invWeight", invWeight, steps, (long) d * d);
            check("invLogAbsDet", invLogAbsDet, steps, 1);
            check("w1", w1, steps, (long) hidden * (half + dc));
            check("b1", b1, steps, hidden);
            check("w2", w2, steps, (long) hidden * hidden);
            check("b2", b2, steps, hidden);
            check("w3", w3, steps, 2L * rest * hidden);
            check("b3", b3, steps, 2L * rest);
        }

        private static void check(String name, Storage[] s, int steps, long size) {
            if (s == null || s.length != steps)
                throw new IllegalArgumentException("GlowWeights: " + name + " needs one storage per step (" + steps + "), got "
                        + (s == null ? "null" : s.length));
            for (int k = 0; k < steps; k++) {
                if (s[k] == null) throw new IllegalArgumentException("GlowWeights: " + name + "[" + k + "] is null");
                if (s[k].size() != size)
                    throw new IllegalArgumentException("GlowWeights: " + name + "[" + k + "] has " + s[k].size() + " elements, expected " + size);
            }
        }
    }

    /**
     * Glow's per-voxel NLL: nll[n, v] = ½‖f(y)‖² + (d/2) log 2π − Σ log|det ∂f/∂y| at (n, v), f the K steps of
     * {@code w}. y (n, d, v); c (n, dc, v), null when dc = 0; nll (n, v).
     */
    void glowNll(GlowWeights w, Storage y, Storage c, int n, long v, Storage nll);

    /**
     * Diagonal-Gaussian NLL: nll[n, v] = ½ Σ_j [(y − μ)²·e^(−s) + s] + (d/2) log 2π with μ = mean and s = logVar
     * either per channel ((d) each, {@code perVoxel} false: MarginalGaussian) or per voxel ((n, d, v) each:
     * ConditionalGaussian's net output, which stays op-composed). y (n, d, v); nll (n, v).
     */
    void gaussianNll(Storage y, Storage mean, Storage logVar, boolean perVoxel, int n, int d, long v, Storage nll);
}
