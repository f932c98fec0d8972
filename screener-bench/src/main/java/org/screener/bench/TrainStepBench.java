package org.screener.bench;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.CountingBackend;
import org.screener.core.Tensor;
import org.screener.core.TensorScope;
import org.screener.core.cpu.Parallel;
import org.screener.data.sampling.Batch;
import org.screener.nn.optim.AdamW;
import org.screener.nn.optim.GradClip;
import org.screener.nn.optim.LrSchedule;
import org.screener.nn.optim.Optimizer;
import org.screener.pipeline.DescriptorConfig;
import org.screener.pipeline.DescriptorModel;
import org.screener.pipeline.DescriptorTraining;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;

/**
 * One descriptor training step, timed: the step {@code screener train} runs (DescriptorTraining's SSL step:
 * both views of m crop pairs through the UNet at once, the voxel correspondences gathered, the VICReg
 * expander, DenseVICReg, backward; then gradient clipping, the one-cycle lr, AdamW and zeroGrad as the Trainer
 * does) on synthetic crops, so no data is needed. The crop sampler (host-side resampling and augmentation)
 * is left out: it is not part of what a backend runs, and the PyTorch peer has nothing like it.
 *
 * <p>Figures: median ms per step, host transfers of one step (counted on a {@link CountingBackend} around the
 * CPU backend, on a second model after one uncounted step), bytes allocated per step by all threads, and the
 * peak heap of one step (after a GC, as {@link Conv3dQuickBench}). Used by {@code screener bench train-step}
 * and {@code TrainStepBenchmark}.
 */
public final class TrainStepBench {
    private TrainStepBench() {}

    /** {@code counts}: the counted step's {@link CountingBackend#report()} (calls per backend method). */
    public record Result(String preset, int batch, int threads, int steps, double ms, long reads, long readBytes,
                         long writes, long writeBytes, double allocMb, double peakMb, long params, String counts) {
        public long transfers() { return reads + writes; }

        public double transferMb() { return (readBytes + writeBytes) / (1024.0 * 1024.0); }

        /** The grep-able line: {@code train-step preset= batch= threads= ms= transfers= ...}. */
        public String line() {
            return String.format(Locale.ROOT, "train-step preset=%s batch=%d threads=%d steps=%d ms=%.1f transfers=%d "
                            + "transfer_mb=%.3f reads=%d read_mb=%.3f writes=%d write_mb=%.3f alloc_mb=%.1f peak_mb=%.0f params=%d load=%.1f",
                    preset, batch, threads, steps, ms, transfers(), transferMb(), reads, readBytes / (1024.0 * 1024.0),
                    writes, writeBytes / (1024.0 * 1024.0), allocMb, peakMb, params, loadAverage());
        }
    }

    /** The preset's descriptor config with {@code batch} crop pairs per step (0: the preset's). */
    public static DescriptorConfig config(String preset, int batch) {
        DescriptorConfig c = DescriptorConfig.preset(preset);
        if (batch < 0) throw new IllegalArgumentException("train-step: batch " + batch + " must be >= 1 (0: the preset's)");
        if (batch > 0) c.pairsPerBatch = batch;
        return c.validate();
    }

    /** A model, its optimizer and a fixed synthetic batch: everything one step needs, on one backend. */
    public static final class Step {
        public final Backend backend;
        public final DescriptorConfig cfg;
        public final DescriptorModel model;
        private final Optimizer opt;
        private final LrSchedule schedule;
        private final Batch batch;
        private final float[] both;
        private long step;

        public Step(Backend be, DescriptorConfig cfg, long seed) {
            this.backend = be;
            this.cfg = cfg.validate();
            this.model = new DescriptorModel(be, cfg, new Random(seed));
            // the optimizer and schedule of Stages.trainer
            this.opt = new AdamW(model.namedParameters(), cfg.lr, 0.9, 0.999, cfg.eps, cfg.weightDecay);
            this.schedule = LrSchedule.oneCycle(cfg.lr, cfg.steps, cfg.warmupFraction, 25, 1e4);
            this.batch = syntheticBatch(cfg, seed);
            int[] shape = batch.shape();
            int m = batch.m(), vox = shape[2] * shape[3] * shape[4];
            both = new float[2 * m * vox];
            System.arraycopy(batch.view1(), 0, both, 0, m * vox);
            System.arraycopy(batch.view2(), 0, both, m * vox, m * vox);
        }

        /** One step as Trainer.run does it; returns the loss. */
        public double run() {
            schedule.apply(opt, step);
            int[] shape = batch.shape();
            Map<String, Double> losses;
            try (TensorScope scope = TensorScope.open()) {   // as Trainer.run: the step's tensors go back to the pool
                // the batch write of DescriptorTraining.step
                Tensor x = Tensor.of(backend, both, 2 * batch.m(), 1, shape[2], shape[3], shape[4]);
                losses = DescriptorTraining.sslStep(model.unet.forward(x), batch, model.head, cfg.objective());
                if (cfg.clipNorm > 0) {
                    double norm = GradClip.clipGradNorm(model.parameters(), cfg.clipNorm);
                    if (!Double.isFinite(norm)) throw new IllegalStateException("train-step: gradient norm " + norm + " at step " + step);
                }
                opt.step();
                opt.zeroGrad();
                model.zeroGrad();
            }
            step++;
            double loss = losses.get("loss");
            if (!Double.isFinite(loss)) throw new IllegalStateException("train-step: loss " + loss + " at step " + step);
            return loss;
        }
    }

    /**
     * m crop pairs of the config's crop size, as the sampler gives them: per pair a smooth random volume, view 1
     * a crop of it, view 2 a crop shifted by a quarter of the crop on every axis with a contrast change and
     * noise; n correspondences drawn in the overlap.
     */
    public static Batch syntheticBatch(DescriptorConfig cfg, long seed) {
        int m = cfg.pairsPerBatch, n = cfg.voxelsPerPair;
        int cx = cfg.cropSize[0], cy = cfg.cropSize[1], cz = cfg.cropSize[2];
        int sx = cx / 4, sy = cy / 4, sz = cz / 4;
        int vx = cx + sx, vy = cy + sy, vz = cz + sz;
        int vox = cx * cy * cz;
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v1 = new float[m * vox], v2 = new float[m * vox], mask = new float[m * vox];
        Arrays.fill(mask, 1f);
        int[] i1 = new int[m * n], i2 = new int[m * n];
        for (int p = 0; p < m; p++) {
            float[] vol = smoothNoise(rnd, vz, vy, vx);
            double contrast = 0.8 + 0.4 * rnd.nextDouble(), bright = rnd.nextDouble() * 0.2 - 0.1;
            for (int z = 0; z < cz; z++)
                for (int y = 0; y < cy; y++)
                    for (int x = 0; x < cx; x++) {
                        int o = p * vox + (z * cy + y) * cx + x;
                        v1[o] = vol[(z * vy + y) * vx + x];
                        v2[o] = (float) (contrast * vol[((z + sz) * vy + y + sy) * vx + x + sx] + bright + 0.05 * gauss(rnd));
                    }
            for (int i = 0; i < n; i++) {
                // a voxel of the overlap [s, c) in view-1 coordinates, [0, c - s) in view 2
                int x = sx + rnd.nextInt(cx - sx), y = sy + rnd.nextInt(cy - sy), z = sz + rnd.nextInt(cz - sz);
                i1[p * n + i] = (z * cy + y) * cx + x;
                i2[p * n + i] = ((z - sz) * cy + (y - sy)) * cx + (x - sx);
            }
        }
        String[] names = new String[m];
        Arrays.fill(names, "synthetic");
        return new Batch(0, m, cfg.cropSize.clone(), v1, v2, i1, i2, mask, mask.clone(), names);
    }

    // white noise blurred by a 3-wide box filter on each axis: CT-like spatial correlation without a data file
    private static float[] smoothNoise(SplittableRandom rnd, int d, int h, int w) {
        float[] a = new float[d * h * w], b = new float[a.length];
        for (int i = 0; i < a.length; i++) a[i] = (float) gauss(rnd);
        int[] strides = {h * w, w, 1}, sizes = {d, h, w};
        for (int ax = 0; ax < 3; ax++) {
            int st = strides[ax], sz = sizes[ax];
            for (int i = 0; i < a.length; i++) {
                int c = (i / st) % sz;
                float s = a[i], k = 1;
                if (c > 0) { s += a[i - st]; k++; }
                if (c < sz - 1) { s += a[i + st]; k++; }
                b[i] = s / k;
            }
            float[] t = a; a = b; b = t;
        }
        return a;
    }

    private static double gauss(SplittableRandom r) {
        // Box-Muller from two uniforms: SplittableRandom has no nextGaussian on JDK 17
        double u = 1 - r.nextDouble(), v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /**
     * Times {@code steps} steps after {@code warmup} (at least 1: the last warm-up step measures the peak heap)
     * on the CPU backend with the given thread count, then counts the transfers of one step.
     */
    public static Result run(String preset, int batch, int threads, int steps, int warmup) {
        if (threads < 1 || steps < 1 || warmup < 1)
            throw new IllegalArgumentException("train-step: threads " + threads + ", steps " + steps + ", warmup " + warmup
                    + " must be >= 1");
        DescriptorConfig cfg = config(preset, batch);
        int before = Parallel.threads();
        Parallel.setThreads(threads);
        try {
            Backend cpu = Backends.get("cpu");
            Step s = new Step(cpu, cfg, 42);
            long params = s.model.numParameters();
            for (int i = 0; i < warmup - 1; i++) s.run();
            System.gc();
            List<MemoryPoolMXBean> heap = new ArrayList<>();
            for (MemoryPoolMXBean mp : ManagementFactory.getMemoryPoolMXBeans())
                if (mp.getType() == MemoryType.HEAP) { heap.add(mp); mp.resetPeakUsage(); }
            s.run();
            long peak = 0;
            for (MemoryPoolMXBean mp : heap) peak += mp.getPeakUsage().getUsed();

            double[] ms = new double[steps];
            long alloc0 = allocatedBytes();
            for (int i = 0; i < steps; i++) {
                long t0 = System.nanoTime();
                s.run();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            long alloc = allocatedBytes() - alloc0;
            double med = Conv3dQuickBench.median(ms);
            s = null;      // the paper model and its optimizer state are GBs: free them before the counted model
            System.gc();

            CountingBackend counter = CountingBackend.wrap(cpu);
            Step c = new Step(counter.backend(), cfg, 42);
            c.run();      // first step: lazily created state is not per-step traffic
            counter.reset();
            c.run();
            return new Result(preset, cfg.pairsPerBatch, threads, steps, med, counter.reads(), counter.readBytes(),
                    counter.writes(), counter.writeBytes(), alloc / (double) steps / (1024.0 * 1024.0), peak / (1024.0 * 1024.0),
                    params, counter.report());
        } finally {
            Parallel.setThreads(before);
        }
    }

    /** Bytes allocated so far by all live threads (the Parallel workers included). */
    static long allocatedBytes() {
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (long a : t.getThreadAllocatedBytes(t.getAllThreadIds())) if (a > 0) sum += a;
        return sum;
    }

    /**
     * The same step in PyTorch (train_step_torch.py beside this class: the UNet, expander, DenseVICReg, clipping
     * and AdamW replicated layer by layer) on /usr/bin/python3 with {@code threads} intra-op threads; returns
     * {ms, params}, or throws IllegalStateException with the reason when torch is not usable.
     */
    public static double[] runTorch(DescriptorConfig cfg, int threads, int steps, int warmup) throws Exception {
        File py = new File("/usr/bin/python3");
        if (!py.canExecute()) throw new IllegalStateException("/usr/bin/python3 not found");
        String script;
        try (InputStream in = TrainStepBench.class.getResourceAsStream("train_step_torch.py")) {
            if (in == null) throw new IllegalStateException("train_step_torch.py missing from the jar");
            script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String arg = String.format(Locale.ROOT,
                "{\"in\": %d, \"channels\": %s, \"blocks\": %s, \"out\": %d, \"crop\": %s, \"m\": %d, \"n\": %d, \"width\": %d,"
                        + " \"lr\": %s, \"eps\": %s, \"wd\": %s, \"clip\": %s, \"threads\": %d, \"steps\": %d, \"warmup\": %d,"
                        + " \"w_inv\": %s, \"w_var\": %s, \"w_cov\": %s, \"var_eps\": %s}",
                cfg.unet.inChannels, Arrays.toString(cfg.unet.channels), Arrays.toString(cfg.unet.blocks), cfg.unet.outChannels,
                Arrays.toString(cfg.cropSize), cfg.pairsPerBatch, cfg.voxelsPerPair, cfg.expanderWidth,
                cfg.lr, cfg.eps, cfg.weightDecay, cfg.clipNorm, threads, steps, warmup,
                org.screener.nn.ssl.DenseVICReg.INVARIANCE_WEIGHT, org.screener.nn.ssl.DenseVICReg.VARIANCE_WEIGHT,
                org.screener.nn.ssl.DenseVICReg.COVARIANCE_WEIGHT, org.screener.nn.ssl.DenseVICReg.EPS);
        if (!DescriptorConfig.VICREG.equals(cfg.objective()))
            throw new IllegalStateException("the PyTorch peer replicates the VICReg objective only, not " + cfg.objective());
        List<String> out = python(py, List.of("-c", script, arg));
        for (String line : out)
            if (line.startsWith("result ")) {
                String[] p = line.trim().split("\\s+");
                return new double[]{Double.parseDouble(p[1]), Double.parseDouble(p[2])};
            }
        throw new IllegalStateException("the PyTorch script printed no result: " + String.join(" | ", out));
    }

    /**
     * OpenMP's wait policy for the PyTorch peer: the caller's OMP_WAIT_POLICY, else PASSIVE. With the default
     * (active spinning) idle OpenMP threads spin on cores that other processes need; on the shared 2-core
     * machine with load 11 a 8→8 3³ conv fwd+bwd at 4×32³ took 1.6 s on 2 threads and 0.12 s on 1, and 0.09-0.15 s
     * on 2 threads with PASSIVE. The JVM's Parallel workers block when idle too, so PASSIVE compares like with like.
     */
    public static String ompWaitPolicy() {
        String p = System.getenv("OMP_WAIT_POLICY");
        return p == null || p.isBlank() ? "PASSIVE" : p;
    }

    /** System load average over the last minute (-1 where the OS does not say): the figures are only comparable at similar load. */
    public static double loadAverage() { return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(); }

    /** Runs python with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed; its stdout+stderr lines, or throws on failure. */
    private static List<String> python(File py, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(py.getPath());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        pb.environment().put("OMP_WAIT_POLICY", ompWaitPolicy());
        pb.redirectErrorStream(true);
        Process proc = pb.start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) lines.add(line);
        }
        int rc = proc.waitFor();
        if (rc != 0) {
            List<String> tail = lines.subList(Math.max(0, lines.size() - 5), lines.size());
            throw new IllegalStateException("the PyTorch script failed (exit " + rc + "): " + String.join(" | ", tail));
        }
        return lines;
    }
}
