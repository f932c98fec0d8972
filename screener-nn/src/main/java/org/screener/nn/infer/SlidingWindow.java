package org.screener.nn.infer;

import org.screener.core.Backend;
import org.screener.core.Backends;
import org.screener.core.Tensor;
import org.screener.core.TensorScope;
import org.screener.core.autograd.Autograd;
import org.screener.core.ops.Shapes;
import org.screener.core.cpu.Parallel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Sliding-window inference over a whole 3D volume with Gaussian blending, after MONAI's
 * {@code sliding_window_inference(mode="gaussian", sigma_scale=0.125)} as used by the Screener code.
 * <p>
 * The volume (D, H, W) is tiled by patches (pd, ph, pw); along each axis the stride is
 * {@code max(1, floor(p * (1 - overlap)))} and the last patch is placed flush with the end, so every voxel is
 * covered. An axis shorter than its patch is padded (constant or replicate) symmetrically to the patch size;
 * outputs there are cropped back. Each patch output is multiplied by the importance map
 * (see {@link #importanceMap}) and summed; the sum is divided by the summed weights, so voxels covered by
 * several patches get their weighted average and voxels covered once get the patch value.
 * <p>
 * The blending stays on the patch function's backend: the importance map is a backend tensor made once, each
 * window's output is multiplied by it and added into a backend accumulator (C, D, H, W) with
 * {@code copyBox(accumulate)}, and the accumulator is read to the host once, at the end, where it is divided by
 * the summed weights. Those sums depend only on where the windows lie, so they are kept on the host in double
 * (bit for bit the map the earlier host blending gave; a float division on the backend would move the last bit).
 * Per window the backend gets the batch of input windows and gives nothing back.
 * <p>
 * Memory: besides the caller's input, {@code C·D·H·W} floats on the backend (the accumulator) and on the host
 * (the result), {@code D·H·W} doubles for the weights, {@code pd·ph·pw} floats for the importance map, and one
 * batch: {@code batch·pd·ph·pw} input plus twice {@code batch·C·pd·ph·pw} output floats (the output and its
 * weighted copy, and whatever the patch function allocates). No padded copy of the volume is made. Runs inside
 * {@link Autograd#noGrad()}.
 */
public final class SlidingWindow {
    private SlidingWindow() {}

    /** Default patch (D, H, W) = 64×96×96, the paper's 96×96×64 in (x, y, z). */
    public static final int[] DEFAULT_PATCH = {64, 96, 96};

    public enum PadMode { CONSTANT, REPLICATE }

    /** Called after each batch with the number of patches done so far and the total. */
    @FunctionalInterface
    public interface Progress { void update(int done, int total); }

    /** Settings; fluent setters, defaults as in the Screener code. */
    public static final class Options {
        int[] patch = DEFAULT_PATCH.clone();
        double overlap = 0.5;
        double sigmaScale = 0.125;
        PadMode padMode = PadMode.CONSTANT;
        float padValue = 0f;
        int batchSize = 1;
        Backend backend;
        Progress progress;

        public Options patch(int d, int h, int w) {
            if (d < 1 || h < 1 || w < 1)
                throw new IllegalArgumentException("SlidingWindow: patch size must be positive, got " + d + "x" + h + "x" + w);
            patch = new int[]{d, h, w};
            return this;
        }
        public Options overlap(double f) {
            if (!(f >= 0 && f < 1)) throw new IllegalArgumentException("SlidingWindow: overlap must be in [0, 1), got " + f);
            overlap = f;
            return this;
        }
        public Options sigmaScale(double s) {
            if (!(s > 0)) throw new IllegalArgumentException("SlidingWindow: sigmaScale must be > 0, got " + s);
            sigmaScale = s;
            return this;
        }
        public Options pad(PadMode mode, float constant) { padMode = mode; padValue = constant; return this; }
        public Options batchSize(int b) {
            if (b < 1) throw new IllegalArgumentException("SlidingWindow: batchSize must be >= 1, got " + b);
            batchSize = b;
            return this;
        }
        /** Backend for the patch tensors; default {@link Backends#getDefault()}. */
        public Options backend(Backend b) { backend = b; return this; }
        public Options progress(Progress p) { progress = p; return this; }
    }

    /** Blended map: {@code data} is (channels, D, H, W) row-major. */
    public record Result(float[] data, int channels, int[] dims) {
        public Tensor toTensor(Backend b) { return Tensor.of(b, data, channels, dims[0], dims[1], dims[2]); }
    }

    /** Patch start positions along one axis (size >= patch), the last one flush with the end. */
    public static int[] starts(int size, int patch, double overlap) {
        if (size <= patch) return new int[]{0};
        int step = Math.max(1, (int) Math.floor(patch * (1 - overlap)));
        int n = (size - patch + step - 1) / step + 1;
        int[] s = new int[n];
        for (int i = 0; i < n; i++) s[i] = Math.min(i * step, size - patch);
        return s;
    }

    /**
     * Gaussian importance map of a patch, (pd·ph·pw) row-major: the product over axes of
     * {@code exp(-(i - (p-1)/2)² / (2 (sigmaScale·p)²))}, clamped below at 1e-3, as in MONAI's
     * {@code compute_importance_map(mode="gaussian")} (the centre lies between voxels for even sizes, so the peak
     * is then slightly below 1; the clamp keeps patch borders counting where only they cover a voxel).
     */
    public static float[] importanceMap(int[] patch, double sigmaScale) {
        double[][] g = new double[3][];
        for (int a = 0; a < 3; a++) {
            int p = patch[a];
            double c = (p - 1) / 2.0, sigma = sigmaScale * p;
            g[a] = new double[p];
            for (int i = 0; i < p; i++) {
                double t = (i - c) / sigma;
                g[a][i] = Math.exp(-0.5 * t * t);
            }
        }
        float[] m = new float[patch[0] * patch[1] * patch[2]];
        int k = 0;
        for (int z = 0; z < patch[0]; z++)
            for (int y = 0; y < patch[1]; y++)
                for (int x = 0; x < patch[2]; x++)
                    m[k++] = (float) Math.max(g[0][z] * g[1][y] * g[2][x], 1e-3);
        return m;
    }

    /** Runs with default options. */
    public static Result run(float[] volume, int[] dims, PatchFunction fn) {
        return run(volume, dims, fn, new Options());
    }

    /**
     * Applies {@code fn} to every window of {@code volume} (dims (D, H, W), row-major) and blends the outputs.
     */
    public static Result run(float[] volume, int[] dims, PatchFunction fn, Options o) {
        if (dims.length != 3 || dims[0] < 1 || dims[1] < 1 || dims[2] < 1)
            throw new IllegalArgumentException("SlidingWindow: dims must be (D, H, W) with positive sizes, got " + Arrays.toString(dims));
        long nvox = (long) dims[0] * dims[1] * dims[2];
        if (volume.length != nvox)
            throw new IllegalArgumentException("SlidingWindow: volume has " + volume.length + " values for dims " + Arrays.toString(dims));
        Backend backend = o.backend != null ? o.backend : Backends.getDefault();
        int[] p = o.patch;
        int[] padded = new int[3], before = new int[3];
        for (int a = 0; a < 3; a++) {
            padded[a] = Math.max(dims[a], p[a]);
            before[a] = (padded[a] - dims[a]) / 2;
        }
        int[][] st = new int[3][];
        for (int a = 0; a < 3; a++) st[a] = starts(padded[a], p[a], o.overlap);
        List<int[]> offsets = new ArrayList<>();
        for (int z : st[0]) for (int y : st[1]) for (int x : st[2])
            offsets.add(new int[]{z - before[0], y - before[1], x - before[2]});
        int total = offsets.size();
        int pv = p[0] * p[1] * p[2];
        float[] imp = importanceMap(p, o.sigmaScale);
        // The weight sums depend only on the window positions, so they are summed here in double (as MONAI
        // does in float64) and never read from the backend.
        double[] weight = new double[Math.toIntExact(nvox)];
        Tensor impMap = null, acc = null;   // on the patch function's backend: the importance map, Σ imp·output (C, D, H, W)
        int channels = -1;

        try (var g = Autograd.noGrad()) {
            for (int first = 0; first < total; first += o.batchSize) {
                // one scope per batch of windows: the patch function's activations go back to the pool
                try (TensorScope ws = TensorScope.open()) {
                    int b = Math.min(o.batchSize, total - first);
                    int[][] off = offsets.subList(first, first + b).toArray(new int[0][]);
                    float[] in = new float[b * pv];
                    for (int i = 0; i < b; i++) extract(volume, dims, off[i], p, o.padMode, o.padValue, in, i * pv);
                    Tensor res = fn.apply(Tensor.of(backend, in, b, 1, p[0], p[1], p[2]), off);
                    int c = outputChannels(res, b, p);
                    if (channels < 0) {
                        channels = c;
                        impMap = Tensor.of(res.backend(), imp, 1, 1, p[0], p[1], p[2]);
                        acc = Tensor.zeros(res.backend(), 1, c, dims[0], dims[1], dims[2]);
                        ws.keep(impMap, acc);   // they outlive the window
                    } else if (c != channels) {
                        throw new IllegalArgumentException("SlidingWindow: patch function returned " + c
                                + " channels after returning " + channels);
                    }
                    // imp·r then + into the sum: the float product and sum of the host loop this replaced, in the same order
                    Tensor weighted = Shapes.reshape(res, b, c, p[0], p[1], p[2]).mul(impMap);
                    for (int i = 0; i < b; i++) accumulate(weighted, i, c, off[i], p, imp, dims, acc, weight);
                    if (o.progress != null) o.progress.update(first + b, total);
                }
            }
        }
        float[] out = acc.toArray();   // the one read from the backend
        // Every voxel lies in some patch and every importance weight is >= 1e-3, so weight > 0.
        final int cc = channels;
        Parallel.forRange((int) nvox, 1 << 14, (lo, hi) -> {
            for (int v = lo; v < hi; v++) {
                double inv = 1.0 / weight[v];
                for (int ch = 0; ch < cc; ch++) out[(int) (ch * nvox) + v] = (float) (out[(int) (ch * nvox) + v] * inv);
            }
        });
        return new Result(out, channels, dims.clone());
    }

    private static int outputChannels(Tensor res, int b, int[] p) {
        int[] s = res.shape();
        boolean ok5 = s.length == 5 && s[0] == b && s[2] == p[0] && s[3] == p[1] && s[4] == p[2];
        boolean ok4 = b == 1 && s.length == 4 && s[1] == p[0] && s[2] == p[1] && s[3] == p[2];
        if (!ok5 && !ok4)
            throw new IllegalArgumentException("SlidingWindow: patch function must return (" + b + ", C, " + p[0] + ", "
                    + p[1] + ", " + p[2] + ")" + (b == 1 ? " or (C, " + p[0] + ", " + p[1] + ", " + p[2] + ")" : "")
                    + ", got " + Arrays.toString(s));
        return ok5 ? s[1] : s[0];
    }

    /** Copies the window at {@code off} (volume coordinates, may start before 0 / end past the end) into dst. */
    private static void extract(float[] vol, int[] dims, int[] off, int[] p, PadMode mode, float padValue,
                                float[] dst, int dstOff) {
        int D = dims[0], H = dims[1], W = dims[2];
        int k = dstOff;
        for (int z = 0; z < p[0]; z++) {
            int gz = off[0] + z;
            boolean zin = gz >= 0 && gz < D;
            int cz = Math.min(Math.max(gz, 0), D - 1);
            for (int y = 0; y < p[1]; y++) {
                int gy = off[1] + y;
                boolean yin = gy >= 0 && gy < H;
                int cy = Math.min(Math.max(gy, 0), H - 1);
                int row = (cz * H + cy) * W;
                if (zin && yin && off[2] >= 0 && off[2] + p[2] <= W) {
                    System.arraycopy(vol, row + off[2], dst, k, p[2]);
                    k += p[2];
                    continue;
                }
                for (int x = 0; x < p[2]; x++) {
                    int gx = off[2] + x;
                    boolean in = zin && yin && gx >= 0 && gx < W;
                    if (in || mode == PadMode.REPLICATE) dst[k++] = vol[row + Math.min(Math.max(gx, 0), W - 1)];
                    else dst[k++] = padValue;
                }
            }
        }
    }

    /**
     * Adds window i of weighted (= imp·r) into acc on the backend, over the part of the window inside the volume,
     * and imp into weight.
     */
    private static void accumulate(Tensor weighted, int i, int c, int[] off, int[] p, float[] imp, int[] dims,
                                   Tensor acc, double[] weight) {
        int H = dims[1], W = dims[2];
        int z0 = Math.max(0, -off[0]), z1 = Math.min(p[0], dims[0] - off[0]);
        int y0 = Math.max(0, -off[1]), y1 = Math.min(p[1], H - off[1]);
        int x0 = Math.max(0, -off[2]), x1 = Math.min(p[2], W - off[2]);
        acc.backend().copyBox(weighted.storage(), weighted.shape(), new int[]{i, 0, z0, y0, x0},
                acc.storage(), acc.shape(), new int[]{0, 0, off[0] + z0, off[1] + y0, off[2] + x0},
                new int[]{1, c, z1 - z0, y1 - y0, x1 - x0}, true);
        // Slices z of one window touch disjoint voxels, so they can run in parallel.
        Parallel.forRange(z1 - z0, 1, (lo, hi) -> {
            for (int z = z0 + lo; z < z0 + hi; z++)
                for (int y = y0; y < y1; y++) {
                    int pr = (z * p[1] + y) * p[2];
                    int vr = ((off[0] + z) * H + off[1] + y) * W + off[2];
                    for (int x = x0; x < x1; x++) weight[vr + x] += imp[pr + x];
                }
        });
    }
}
