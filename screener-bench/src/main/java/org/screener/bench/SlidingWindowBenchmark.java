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
import org.screener.core.cpu.Parallel;
import org.screener.nn.infer.PatchFunction;
import org.screener.nn.infer.SlidingWindow;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Overhead of {@link SlidingWindow} itself (patch extraction, Gaussian-weighted accumulation, normalisation):
 * identity patch function over a 120×200×200 (D, H, W) volume with the default 64×96×96 patch and overlap 0.5
 * (3·4·4 = 48 patches), one output channel.
 *
 * <p>Run: {@code java --add-modules=jdk.incubator.vector -jar screener-bench/target/screener-bench-*-benchmarks.jar SlidingWindowBenchmark}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class SlidingWindowBenchmark {
    @Param({"1", "2"})
    public int threads;

    static final int[] DIMS = {120, 200, 200};
    static final PatchFunction IDENTITY = (patches, offsets) -> patches;

    float[] volume;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Random r = new Random(7);
        volume = new float[DIMS[0] * DIMS[1] * DIMS[2]];
        for (int i = 0; i < volume.length; i++) volume[i] = r.nextFloat();
    }

    @Benchmark
    public float[] identity() {
        return SlidingWindow.run(volume, DIMS, IDENTITY).data();
    }
}
