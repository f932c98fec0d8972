package org.screener.cli;

import picocli.CommandLine.Command;

/** {@code screener bench gemm|conv3d}: quick one-line measurements (JMH versions live in screener-bench). */
@Command(name = "bench", description = "Measure the hot kernels (gemm, conv3d).", subcommands = {BenchGemmCommand.class, BenchConv3dCommand.class})
public final class BenchCommand implements Runnable {
    @Override public void run() { picocli.CommandLine.usage(this, System.out); }
}
