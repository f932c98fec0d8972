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
import org.screener.core.ConvParams;
import org.screener.core.cpu.Conv3dCpu;
import org.screener.core.cpu.Parallel;

import java.util.Random;
import java.util.concurrent.TimeUnit;

/** conv3d 3×3×3, pad 1, 32→32 channels, 64³, batch 2: the three CPU kernels separately. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class Conv3dBenchmark {
    @Param({"32"}) public int channels;
    @Param({"64"}) public int size;
    @Param({"2"}) public int batch;
    @Param({"2"}) public int threads;

    private ConvParams p;
    private float[] x, w, b, y, gy, gx, gw, gb;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        p = ConvParams.cube(batch, channels, channels, new int[]{size, size, size}, 3, 1, 1, 1);
        Random r = new Random(1);
        x = rand(r, p.n * p.cin * p.inVoxels());
        w = rand(r, (long) p.cout * p.cin * p.kernelVolume());
        b = rand(r, p.cout);
        gy = rand(r, p.n * p.cout * p.outVoxels());
        y = new float[gy.length]; gx = new float[x.length]; gw = new float[w.length]; gb = new float[p.cout];
    }

    private static float[] rand(Random r, long n) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    @Benchmark public float[] forward() { Conv3dCpu.forward(p, x, w, b, y); return y; }

    @Benchmark public float[] backwardData() { Conv3dCpu.backwardData(p, gy, w, gx); return gx; }

    @Benchmark public float[] backwardWeight() { Conv3dCpu.backwardWeight(p, x, gy, gw, gb); return gw; }
}
