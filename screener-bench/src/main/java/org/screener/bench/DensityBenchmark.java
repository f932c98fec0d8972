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
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.cpu.Parallel;
import org.screener.nn.density.ConditionalGaussian;
import org.screener.nn.density.Glow;
import org.screener.nn.density.MarginalGaussian;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The voxel-density hot path at inference: per-voxel NLL of one window's descriptors given its conditions
 * (no gradient), for the three density kinds of the paper's Table 3.
 * <ul>
 *   <li>{@code cpu-small}: d = 8, d_cond = 8, Glow 8 steps of width 64, conditional Gaussian width 32, on a full
 *       32³ window (the demo: no pooling);</li>
 *   <li>{@code paper}: d = 32, d_cond = 32, Glow 64 steps of width 512, conditional Gaussian width 128, on an
 *       8 × 16 × 16 piece of the paper's 32³ pooled grid (the whole grid is 16× that).</li>
 * </ul>
 * {@code glow} is the fused CPU kernel ({@code DensityCpu}, the CPU backend's DensityExtension) that inference uses, {@code glowOps} the op-by-op path.
 * Voxels per second = voxels / time.
 *
 * <p>Run: {@code java -jar screener-bench/target/screener-bench-*-benchmarks.jar DensityBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 3)
public class DensityBenchmark {
    @Param({"cpu-small", "paper"})
    public String shape;

    @Param({"2"})
    public int threads;

    Glow glow;
    ConditionalGaussian gaussian;
    MarginalGaussian marginal;
    Tensor y, c;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Backend be = Backends.getDefault();
        Random r = new Random(3);
        boolean paper = shape.equals("paper");
        int d = paper ? 32 : 8, dc = paper ? 32 : 8;
        int[] dhw = paper ? new int[]{8, 16, 16} : new int[]{32, 32, 32};
        y = Tensor.randn(be, r, 1f, 1, d, dhw[0], dhw[1], dhw[2]);
        c = Tensor.randn(be, r, 1f, 1, dc, dhw[0], dhw[1], dhw[2]);
        glow = new Glow(be, d, dc, paper ? 64 : 8, paper ? 512 : 64, r);
        gaussian = new ConditionalGaussian(be, d, dc, paper ? 128 : 32, r);
        marginal = new MarginalGaussian(be, d);
        try (Autograd.Scope g = Autograd.noGrad()) {   // data-dependent initialisation on the first batch, as in training
            glow.nll(y, c);
            gaussian.nll(y, c);
            marginal.nll(y, null);
        }
        glow.eval();
        gaussian.eval();
        marginal.eval();
    }

    @Benchmark
    public Tensor glow() {
        try (Autograd.Scope g = Autograd.noGrad()) { return glow.nll(y, c); }
    }

    /** The same NLL composed of tensor ops (the path training differentiates), for comparison with the fused one. */
    @Benchmark
    public Tensor glowOps() {
        try (Autograd.Scope g = Autograd.noGrad()) { return glow.nllOps(y, c); }
    }

    @Benchmark
    public Tensor conditionalGaussian() {
        try (Autograd.Scope g = Autograd.noGrad()) { return gaussian.nll(y, c); }
    }

    @Benchmark
    public Tensor marginalGaussian() {
        try (Autograd.Scope g = Autograd.noGrad()) { return marginal.nll(y, null); }
    }
}
