package org.screener.cli;

import org.screener.bench.Conv3dQuickBench;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;

/** Time conv3d forward and backward: one line with fwd_ms, bwd_ms, gflops, peak_mb. */
@Command(name = "conv3d", description = "Time conv3d forward and backward: one line with fwd_ms, bwd_ms, gflops, peak_mb.")
public final class BenchConv3dCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--in", description = "input channels (default ${DEFAULT-VALUE})") int in = 32;
    @Option(names = "--out", description = "output channels (default ${DEFAULT-VALUE})") int out = 32;
    @Option(names = "--size", description = "cube edge of the volume (default ${DEFAULT-VALUE})") int size = 64;
    @Option(names = "--batch", description = "batch size (default ${DEFAULT-VALUE})") int batch = 2;
    @Option(names = "--kernel", description = "cube kernel size, padding kernel/2 (default ${DEFAULT-VALUE})") int kernel = 3;
    @Option(names = "--threads", description = "threads (default: all cores)") int threads = Runtime.getRuntime().availableProcessors();
    @Option(names = "--warmup", description = "untimed repetitions (default ${DEFAULT-VALUE})") int warmup = 3;
    @Option(names = "--reps", description = "timed repetitions, median reported (default ${DEFAULT-VALUE})") int reps = 7;
    @Option(names = "--vs-pytorch", description = "also time the same layer in PyTorch (/usr/bin/python3)") boolean vsPytorch;

    @Override public Integer call() throws Exception {
        if (in < 1 || out < 1 || size < 1 || batch < 1 || threads < 1 || reps < 1 || warmup < 0 || kernel < 1 || kernel > size)
            throw new IllegalArgumentException("bad sizes: in=" + in + " out=" + out + " size=" + size + " batch=" + batch
                    + " kernel=" + kernel + " threads=" + threads + " warmup=" + warmup + " reps=" + reps);
        String shape = String.format(Locale.ROOT, "in=%d out=%d size=%d batch=%d threads=%d", in, out, size, batch, threads);
        Conv3dQuickBench.Result r = Conv3dQuickBench.run(in, out, size, batch, kernel, threads, warmup, reps);
        System.out.println(String.format(Locale.ROOT, "conv3d %s fwd_ms=%.1f bwd_ms=%.1f gflops=%.1f peak_mb=%.0f",
                shape, r.fwdMs(), r.bwdMs(), r.gflops(), r.peakMb()));
        if (vsPytorch) {
            double[] t;
            try {
                t = Conv3dQuickBench.runTorch(in, out, size, batch, kernel, threads, warmup, reps);
            } catch (IllegalStateException e) {
                System.out.println("pytorch skipped: " + e.getMessage());
                return 0;
            }
            double ratio = (r.fwdMs() + r.bwdMs()) / (t[0] + t[1]);
            System.out.println(String.format(Locale.ROOT, "pytorch %s fwd_ms=%.1f bwd_ms=%.1f ratio=%.2f (screener/pytorch time, fwd %.2f, bwd %.2f)",
                    shape, t[0], t[1], ratio, r.fwdMs() / t[0], r.bwdMs() / t[1]));
        }
        return 0;
    }
}
