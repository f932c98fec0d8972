package org.screener.cli;

import picocli.CommandLine.Command;

/** {@code screener bench gemm|conv3d|train-step}: quick one-line measurements (JMH versions live in screener-bench). */
@Command(name = "bench", description = "Measure the hot kernels (gemm, conv3d) and a training step (train-step).",
        subcommands = {BenchGemmCommand.class, BenchConv3dCommand.class, BenchTrainStepCommand.class})
public final class BenchCommand implements Runnable {
    @Override public void run() { picocli.CommandLine.usage(this, System.out); }
}
