/**
 * Per-voxel density models of a descriptor map y (N, d, D, H, W) given a condition map c (N, dc, D, H, W)
 * (method reference §4): {@link org.screener.nn.density.MarginalGaussian},
 * {@link org.screener.nn.density.ConditionalGaussian} (3×3×3 conv nets from c to mean and log-variance) and
 * {@link org.screener.nn.density.Glow} (act-norm, invertible 1×1×1 conv, affine coupling; conditional when
 * dc > 0). {@code nll(y, c)} is the anomaly score map in nats, (N, D, H, W); {@code loss} is its mean.
 * Training adds σ = 0.1 Gaussian noise to y and c (§4.1); that belongs to the training loop, not to these models.
 * <p>Glow's inference on the CPU is fused: {@link org.screener.nn.density.GlowCpu} (plain-loop primitives in
 * {@code GlowCpuScalar}, Vector API ones in {@code GlowCpuVector}; test {@code GlowCpuTest}). Its GPU counterparts
 * are the kernels of screener-cuda ({@code actnorm_affine_coupling.cu}, {@code per_voxel_matmul.cu}).
 */
package org.screener.nn.density;
