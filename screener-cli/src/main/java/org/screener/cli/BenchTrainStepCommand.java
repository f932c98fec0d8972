package org.screener.cli;

import org.screener.bench.TrainStepBench;
import org.screener.pipeline.DescriptorConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.util.Locale;

/** Time one descriptor-UNet training step: ms, host transfers, garbage and peak heap per step; optionally vs PyTorch. */
@Command(name = "train-step", description = "Time one descriptor training step (UNet, DenseVICReg, backward, AdamW) on "
        + "synthetic crops: one line with ms, transfers, transfer_mb, alloc_mb, peak_mb, params; --vs-pytorch adds PyTorch's.")
public final class BenchTrainStepCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--preset", description = "cpu-small or paper (default ${DEFAULT-VALUE})") String preset = "cpu-small";
    @Option(names = "--batch", description = "crop pairs per step (default: the preset's)") int batch = 0;
    @Option(names = "--threads", description = "threads (default: all cores)") int threads = Runtime.getRuntime().availableProcessors();
    @Option(names = "--steps", description = "timed steps, median reported (default ${DEFAULT-VALUE})") int steps = 5;
    @Option(names = "--warmup", description = "untimed steps before, at least 1 (default ${DEFAULT-VALUE})") int warmup = 2;
    @Option(names = "--counts", description = "also print the counted step's calls per backend method") boolean counts;
    @Option(names = "--vs-pytorch", description = "also time the same step in PyTorch (/usr/bin/python3, python3-torch)") boolean vsPytorch;

    @Override public Integer call() throws Exception {
        if (threads < 1 || steps < 1 || warmup < 1 || batch < 0)
            throw new IllegalArgumentException("bench train-step: threads " + threads + ", steps " + steps + ", warmup " + warmup
                    + " must be >= 1 and batch " + batch + " >= 0");
        DescriptorConfig cfg = TrainStepBench.config(preset, batch);
        TrainStepBench.Result r = TrainStepBench.run(preset, batch, threads, steps, warmup);
        System.out.println(r.line());
        if (counts) System.out.println("train-step-counts " + r.counts());
        if (vsPytorch) {
            double[] t;
            try {
                t = TrainStepBench.runTorch(cfg, threads, steps, warmup);
            } catch (IllegalStateException e) {
                System.out.println("pytorch-train-step skipped: " + e.getMessage());
                return 0;
            }
            long tp = Math.round(t[1]);
            System.out.println(String.format(Locale.ROOT,
                    "pytorch-train-step preset=%s batch=%d threads=%d steps=%d ms=%.1f params=%d ratio=%.2f omp_wait=%s load=%.1f (ratio: screener/pytorch time)%s",
                    preset, r.batch(), threads, steps, t[0], tp, r.ms() / t[0], TrainStepBench.ompWaitPolicy(), TrainStepBench.loadAverage(),
                    tp == r.params() ? "" : " PARAMS DIFFER: screener " + r.params()));
            if (tp != r.params()) return 1;
        }
        return 0;
    }
}
