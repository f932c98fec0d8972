package org.screener.cli;

import picocli.CommandLine.Command;

/** Time conv3d forward and backward: one line with fwd_ms, bwd_ms, gflops, peak_mb. */
@Command(name = "conv3d", description = "Time conv3d forward and backward: one line with fwd_ms, bwd_ms, gflops, peak_mb.")
public final class BenchConv3dCommand implements java.util.concurrent.Callable<Integer> {
    @Override public Integer call() {
        System.err.println("screener conv3d: not implemented yet");
        return 2;
    }
}
