/**
 * Resumable training: {@link org.screener.nn.train.Trainer} runs a {@link org.screener.nn.train.StepFunction}
 * (one per training stage: descriptors, condition model, density model) with clipping, lr schedule, progress
 * lines, a CSV loss log and atomic checkpoints ({@link org.screener.nn.train.CheckpointDir}) from which an
 * interrupted run resumes bit-identically.
 */
package org.screener.nn.train;
