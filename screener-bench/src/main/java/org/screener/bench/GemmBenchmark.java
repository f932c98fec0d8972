package org.screener.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.screener.core.cpu.GemmCpu;
import org.screener.core.cpu.Parallel;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * sgemm C = A·B, n×n, row-major. GFLOP/s = 2 n^3 / time. Run:
 * {@code java -jar screener-bench/target/screener-bench-0.1.0-SNAPSHOT-benchmarks.jar GemmBenchmark}
 * (add {@code -p threads=1} etc.); the fork gets the Vector API module itself.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--add-modules=jdk.incubator.vector")
public class GemmBenchmark {
    @Param({"256", "1024"})
    public int n;

    @Param({"2"})
    public int threads;

    /** AUTO (what the backend uses), VECTOR, SCALAR or SIMPLE. */
    @Param({"AUTO"})
    public String path;

    private float[] a, b, c;
    private GemmCpu.Path p;

    @Setup(Level.Trial)
    public void setup() {
        Random rnd = new Random(42);
        a = new float[n * n];
        b = new float[n * n];
        c = new float[n * n];
        for (int i = 0; i < a.length; i++) { a[i] = rnd.nextFloat() - 0.5f; b[i] = rnd.nextFloat() - 0.5f; }
        p = GemmCpu.Path.valueOf(path);
        Parallel.setThreads(threads);
    }

    @Benchmark
    public float[] sgemm() {
        GemmCpu.sgemm(p, false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
        return c;
    }
}
