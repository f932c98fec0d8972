package org.screener.bench;

import org.screener.core.ConvParams;
import org.screener.core.cpu.Conv3dCpu;
import org.screener.core.cpu.Parallel;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Quick timing of conv3d (k×k×k, stride 1, padding k/2) forward and backward (input + weight + bias grads) on the
 * CPU kernels, and optionally of the same layer in PyTorch through /usr/bin/python3. Used by
 * {@code screener bench conv3d}; medians over a few repetitions after warm-up.
 */
public final class Conv3dQuickBench {
    private Conv3dQuickBench() {}

    /**
     * Medians in milliseconds; gflops counts the direct-convolution work of the three passes (3 × 2·N·Cout·Cin·k³·V)
     * over fwd + bwd time, so Winograd shows as a higher rate; peak heap (MB) of one warmed-up fwd+bwd pass
     * including the live tensors (sum of the heap pools' peaks after a GC).
     */
    public record Result(double fwdMs, double bwdMs, double gflops, double peakMb) {}

    public static Result run(int cin, int cout, int size, int batch, int kernel, int threads, int warmup, int reps) {
        Parallel.setThreads(threads);
        int pad = kernel / 2;
        ConvParams p = ConvParams.cube(batch, cin, cout, new int[]{size, size, size}, kernel, 1, pad, 1);
        Random rnd = new Random(42);
        float[] x = random(rnd, p.n * p.cin * p.inVoxels());
        float[] w = random(rnd, (long) p.cout * p.cin * p.kernelVolume());
        float[] b = random(rnd, p.cout);
        float[] gy = random(rnd, p.n * p.cout * p.outVoxels());
        float[] y = new float[gy.length], gx = new float[x.length], gw = new float[w.length], gb = new float[p.cout];

        // warm up first: cold (interpreted or C1) Vector API code allocates boxed vectors (an 8³ pass of 48
        // channels: 370-480 MB instead of 2-10) that would inflate the peak and the times. A fixed 3 passes of a
        // small level last ~60 ms, less than C2 needs for the GEMM tile alone (~300 ms of compiler thread here,
        // more when both cores compute and other processes load the machine), so warm for at least a second too
        long warmEnd = System.nanoTime() + 1_000_000_000L;
        for (int i = 0; i < warmup || (warmup > 0 && i < 10_000 && System.nanoTime() < warmEnd); i++)
            pass(p, x, w, b, y, gy, gx, gw, gb);
        // peak: live tensors plus whatever one pass allocates, measured from a collected heap
        System.gc();
        List<MemoryPoolMXBean> heap = new ArrayList<>();
        for (MemoryPoolMXBean m : ManagementFactory.getMemoryPoolMXBeans())
            if (m.getType() == MemoryType.HEAP) { heap.add(m); m.resetPeakUsage(); }
        pass(p, x, w, b, y, gy, gx, gw, gb);
        long peak = 0;
        for (MemoryPoolMXBean m : heap) peak += m.getPeakUsage().getUsed();

        double[] f = new double[reps], bw = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            Conv3dCpu.forward(p, x, w, b, y);
            long t1 = System.nanoTime();
            Conv3dCpu.backwardData(p, gy, w, gx);
            Conv3dCpu.backwardWeight(p, x, gy, gw, gb);
            long t2 = System.nanoTime();
            f[i] = (t1 - t0) / 1e6;
            bw[i] = (t2 - t1) / 1e6;
        }
        double fm = median(f), bm = median(bw);
        double gflops = 3 * p.flops() / ((fm + bm) * 1e6);
        return new Result(fm, bm, gflops, peak / (1024.0 * 1024.0));
    }

    private static void pass(ConvParams p, float[] x, float[] w, float[] b, float[] y, float[] gy, float[] gx,
                             float[] gw, float[] gb) {
        Conv3dCpu.forward(p, x, w, b, y);
        Conv3dCpu.backwardData(p, gy, w, gx);
        Conv3dCpu.backwardWeight(p, x, gy, gw, gb);
    }

    private static float[] random(Random r, long n) {
        float[] a = new float[Math.toIntExact(n)];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        return a;
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
    }

    private static final String TORCH_SCRIPT = String.join("\n",
            "import sys, time, statistics, torch",
            "cin, cout, size, batch, k, threads, warmup, reps = map(int, sys.argv[1:9])",
            "torch.set_num_threads(threads)",
            "torch.manual_seed(0)",
            "conv = torch.nn.Conv3d(cin, cout, k, padding=k // 2)",
            "x = torch.randn(batch, cin, size, size, size, requires_grad=True)",
            "with torch.no_grad():",
            "    g = torch.randn_like(conv(x))",
            "fw, bw = [], []",
            "for i in range(warmup + reps):",
            "    t0 = time.perf_counter(); y = conv(x); t1 = time.perf_counter()",
            "    y.backward(g); t2 = time.perf_counter()",
            "    x.grad = None; conv.zero_grad(set_to_none=True)",
            "    if i >= warmup: fw.append((t1 - t0) * 1e3); bw.append((t2 - t1) * 1e3)",
            "print('%.1f %.1f' % (statistics.median(fw), statistics.median(bw)))");

    /**
     * Times the same layer in PyTorch (input and weight gradients); returns {fwd_ms, bwd_ms}, or throws
     * IllegalStateException with the reason when torch is not usable.
     */
    public static double[] runTorch(int cin, int cout, int size, int batch, int kernel, int threads, int warmup, int reps)
            throws Exception {
        File py = new File("/usr/bin/python3");
        if (!py.canExecute()) throw new IllegalStateException("/usr/bin/python3 not found");
        String out = python(py, List.of("-c", "import torch"));
        if (out == null) throw new IllegalStateException("/usr/bin/python3 -c 'import torch' failed");
        List<String> args = new ArrayList<>(List.of("-c", TORCH_SCRIPT));
        for (int v : new int[]{cin, cout, size, batch, kernel, threads, warmup, reps}) args.add(Integer.toString(v));
        out = python(py, args);
        if (out == null) throw new IllegalStateException("the PyTorch timing script failed");
        String[] parts = out.trim().split("\\s+");
        return new double[]{Double.parseDouble(parts[parts.length - 2]), Double.parseDouble(parts[parts.length - 1])};
    }

    /** Runs python with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE removed; stdout, or null on a non-zero exit. */
    private static String python(File py, List<String> args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(py.getPath());
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process proc = pb.start();
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) sb.append(line).append('\n');
        }
        return proc.waitFor() == 0 ? sb.toString() : null;
    }
}
