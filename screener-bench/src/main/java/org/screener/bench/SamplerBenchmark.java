package org.screener.bench;

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.screener.data.Volume;
import org.screener.data.sampling.CropPair;
import org.screener.data.sampling.CropPairConfig;
import org.screener.data.sampling.CropPairSampler;

/**
 * Crop pairs per second (one thread) on a 256×256×160 synthetic volume at 1.5×1.5×2.25 mm with the default
 * descriptor config (96×96×64 crops, 1024 voxels, all colour augmentations). Also the condition config
 * (block masks, wider spacing range).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class SamplerBenchmark {
    private Volume volume;
    private CropPairSampler descriptor, condition;
    private SplittableRandom rng;

    @Setup(Level.Trial)
    public void setup() {
        int nx = 256, ny = 256, nz = 160;
        double[] sp = {1.5, 1.5, 2.25};
        float[] d = new float[nx * ny * nz];
        SplittableRandom r = new SplittableRandom(42);
        // smooth body-like ellipsoid plus texture, values in [0, 1] as after preprocessing
        for (int z = 0; z < nz; z++) for (int y = 0; y < ny; y++) for (int x = 0; x < nx; x++) {
            double ex = (x - nx / 2.0) / (nx * 0.45), ey = (y - ny / 2.0) / (ny * 0.35);
            double inside = ex * ex + ey * ey < 1 ? 0.5 + 0.2 * Math.sin(x * 0.2) * Math.cos(y * 0.15 + z * 0.1) : 0.0;
            d[(z * ny + y) * nx + x] = (float) Math.min(1, Math.max(0, inside + 0.05 * r.nextDouble()));
        }
        volume = Volume.ofFloats(nx, ny, nz, d, sp, Volume.diagonalAffine(sp, null));
        descriptor = new CropPairSampler(CropPairConfig.descriptor());
        condition = new CropPairSampler(CropPairConfig.condition());
        rng = new SplittableRandom(7);
    }

    @Benchmark
    public CropPair descriptorPair() { return descriptor.sample(volume, rng.split()); }

    @Benchmark
    public CropPair conditionPair() { return condition.sample(volume, rng.split()); }
}
