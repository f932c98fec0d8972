/**
 * Per-voxel density models of a descriptor map y (N, d, D, H, W) given a condition map c (N, dc, D, H, W)
 * (method reference §4): {@link org.screener.nn.density.MarginalGaussian},
 * {@link org.screener.nn.density.ConditionalGaussian} (3×3×3 conv nets from c to mean and log-variance) and
 * {@link org.screener.nn.density.Glow} (act-norm, invertible 1×1×1 conv, affine coupling; conditional when
 * dc > 0). {@code nll(y, c)} is the anomaly score map in nats, (N, D, H, W); {@code loss} is its mean.
 * Training adds σ = 0.1 Gaussian noise to y and c (§4.1); that belongs to the training loop, not to these models.
 * <p>Without autograd, Glow's and the Gaussians' NLL run as the backend's fused kernels when it offers
 * {@link org.screener.core.ext.DensityExtension} ({@code backend.extension(DensityExtension.class)}; on the CPU
 * {@code org.screener.core.cpu.DensityCpu}, tests {@code DensityCpuTest} in screener-core and {@code GlowFusedTest}
 * here), else as ops. Its GPU counterparts are the kernels of screener-cuda ({@code gaussian_nll.cu},
 * {@code actnorm_affine_coupling.cu}, {@code per_voxel_matmul.cu}).
 */
package org.screener.nn.density;
