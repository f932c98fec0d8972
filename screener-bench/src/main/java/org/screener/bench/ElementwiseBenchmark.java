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
import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.BinaryOp;
import org.screener.core.Tensor;
import org.screener.core.UnaryOp;
import org.screener.core.cpu.Parallel;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Elementwise and reduction kernels of the CPU backend on a UNet-sized activation, 2·32·64³ floats (64 MB):
 * same-shape add, channel-wise bias add, SiLU, and the per-channel sum over the spatial axes (norm
 * statistics). Outputs are preallocated so the kernels, not allocation, are timed.
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -jar screener-bench/target/screener-bench-*-benchmarks.jar ElementwiseBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx3g"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class ElementwiseBenchmark {
    @Param({"1", "2"})
    public int threads;

    static final int[] SHAPE = {2, 32, 64, 64, 64};
    static final int[] CHANNEL = {1, 32, 1, 1, 1};
    static final int[] STATS = {2, 32, 1, 1, 1};

    Backend cpu;
    Tensor a, b, bias, out, stats, channelStats;
    long n;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        cpu = Backends.get("cpu");
        Random rnd = new Random(1);
        a = Tensor.randn(cpu, rnd, 1f, SHAPE);
        b = Tensor.randn(cpu, rnd, 1f, SHAPE);
        bias = Tensor.randn(cpu, rnd, 1f, CHANNEL);
        out = Tensor.zeros(cpu, SHAPE);
        stats = Tensor.zeros(cpu, STATS);
        channelStats = Tensor.zeros(cpu, CHANNEL);
        n = a.numel();
    }

    @Benchmark
    public Tensor add() {
        cpu.binary(BinaryOp.ADD, a.storage(), SHAPE, b.storage(), SHAPE, out.storage(), SHAPE);
        return out;
    }

    @Benchmark
    public Tensor addChannelBias() {
        cpu.binary(BinaryOp.ADD, a.storage(), SHAPE, bias.storage(), CHANNEL, out.storage(), SHAPE);
        return out;
    }

    @Benchmark
    public Tensor silu() {
        cpu.unary(UnaryOp.SILU, a.storage(), out.storage(), n, 0f, 0f);
        return out;
    }

    @Benchmark
    public Tensor siluBackward() {
        cpu.unaryBackward(UnaryOp.SILU, a.storage(), b.storage(), b.storage(), out.storage(), n, 0f, 0f);
        return out;
    }

    @Benchmark
    public Tensor sumSpatial() {
        cpu.reduceSum(a.storage(), SHAPE, stats.storage(), STATS);
        return stats;
    }

    @Benchmark
    public Tensor sumPerChannel() {
        cpu.reduceSum(a.storage(), SHAPE, channelStats.storage(), CHANNEL);
        return channelStats;
    }
}
