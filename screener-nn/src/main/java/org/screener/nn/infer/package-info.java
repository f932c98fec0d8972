/**
 * Whole-volume inference: {@link org.screener.nn.infer.SlidingWindow} tiles a preprocessed volume into
 * overlapping patches, runs a {@link org.screener.nn.infer.PatchFunction} on each and blends the outputs
 * with a Gaussian importance map (MONAI's {@code sliding_window_inference} with {@code mode="gaussian"}).
 */
package org.screener.nn.infer;
