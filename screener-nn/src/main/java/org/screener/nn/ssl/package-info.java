/**
 * Dense self-supervised losses over paired voxel embeddings of two overlapping crops (method reference §2.3,
 * §2.4): {@link org.screener.nn.ssl.DenseVICReg} (25·invariance + 25·variance + 1·covariance) and
 * {@link org.screener.nn.ssl.DenseInfoNCE} (τ = 0.1, other voxels of both views as negatives). Both take (M, D)
 * matrices whose row i is the same voxel in the two views, after the expander / projector head.
 */
package org.screener.nn.ssl;
