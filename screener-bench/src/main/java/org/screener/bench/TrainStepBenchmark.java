package org.screener.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.screener.core.Backends;
import org.screener.core.cpu.Parallel;

import java.util.concurrent.TimeUnit;

/**
 * One descriptor training step per op (forward, DenseVICReg, backward, clipping, AdamW) at the cpu-small
 * preset's crop size, on synthetic crops: {@link TrainStepBench.Step}, the code behind {@code bench train-step}.
 * Run with {@code -prof gc} for the garbage per step.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class TrainStepBenchmark {
    @Param({"cpu-small"}) public String preset;
    @Param({"0"}) public int batch;   // 0: the preset's pairs per batch
    @Param({"2"}) public int threads;

    private TrainStepBench.Step step;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        step = new TrainStepBench.Step(Backends.get("cpu"), TrainStepBench.config(preset, batch), 42);
    }

    @Benchmark public double step() { return step.run(); }
}
