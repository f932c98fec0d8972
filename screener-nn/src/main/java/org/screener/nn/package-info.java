/**
 * Neural-network building blocks on top of {@code org.screener.core}.
 * <ul>
 * <li>{@link org.screener.nn.Module}, {@link org.screener.nn.Parameter}: named parameters, buffers and
 * sub-modules with PyTorch-style dotted names; {@link org.screener.nn.Init}: seeded initialisers.
 * <li>{@code layers}: Conv3d, ConvTranspose3d, Linear, Group/Instance/Batch/LayerNorm, activations,
 * Sequential, LayerScale and the medimm ResBlock.
 * <li>{@code unet}: the descriptor UNet3d with its FPN-like linear head and {@code UNet3dConfig} presets.
 * <li>{@code optim}: SGD, Adam, AdamW, global-norm gradient clipping, warm-up/cosine and one-cycle schedules.
 * <li>{@code io}: safetensors read/write (byte-compatible with the Python library) and checkpoints.
 * </ul>
 */
package org.screener.nn;
