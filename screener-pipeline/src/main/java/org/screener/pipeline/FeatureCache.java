package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.TensorScope;
import org.screener.core.autograd.Autograd;
import org.screener.core.ops.Shapes;
import org.screener.data.Volume;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.infer.PatchFunction;
import org.screener.nn.infer.SlidingWindow;
import org.screener.nn.unet.UNet3d;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The frozen descriptor and condition maps of every training volume, computed once by sliding-window inference
 * (the same windows, overlap and blending as prediction) and average-pooled with kernel = stride over the whole
 * scan. Density training then draws crops of these pooled maps instead of running both frozen UNets on every
 * batch: the UNets cost 5–20× the density step on the cpu-small preset. Pooled maps are small (1/18 of the
 * voxels for stride 3 × 3 × 2), but the cache holds every training volume, so it suits cohorts that fit in the
 * heap; {@link #build} checks the size against the free heap before anything is computed.
 */
public final class FeatureCache {
    /** Pooled maps of one volume: channel-major (C, D', H', W'). */
    private record Entry(int[] dims, float[] descriptor, Map<String, float[]> conditions) {}

    /** Window overlap of the feature pass, as predict's default. */
    static final double OVERLAP = 0.5;

    private final List<Entry> entries;
    private final int channels;
    private final Map<String, Integer> conditionChannels;
    private final int[] poolDHW;

    private FeatureCache(List<Entry> entries, int channels, Map<String, Integer> conditionChannels, int[] poolDHW) {
        this.entries = entries;
        this.channels = channels;
        this.conditionChannels = conditionChannels;
        this.poolDHW = poolDHW.clone();
    }

    /** (D, H, W) of every volume of {@code source}: one load each; pass it to {@link #windows(List, int[])} and {@link #build}. */
    public static List<int[]> sizes(VolumeSource source) throws IOException {
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < source.size(); i++) {
            Volume v = source.volume(i);
            out.add(new int[]{v.nz, v.ny, v.nx});
        }
        return out;
    }

    /** Sliding windows (overlap 0.5) that {@link #build} runs over {@code source}: what the cache costs in UNet passes. */
    public static long windows(VolumeSource source, int[] windowDHW) throws IOException {
        return windows(sizes(source), windowDHW);
    }

    /** As {@link #windows(VolumeSource, int[])} for volumes of the given {@link #sizes}. */
    public static long windows(List<int[]> sizes, int[] windowDHW) {
        long n = 0;
        for (int[] dhw : sizes) {
            long w = 1;
            for (int a = 0; a < 3; a++) w *= SlidingWindow.starts(Math.max(dhw[a], windowDHW[a]), windowDHW[a], OVERLAP).length;
            n += w;
        }
        return n;
    }

    /**
     * The patch function of the unpooled feature maps of a volume of size {@code scanDHW}: the descriptor's
     * channels, then each condition's, without gradients.
     */
    public static PatchFunction features(UNet3d descriptor, List<ConditionSource> conditions, int[] scanDHW) {
        return (patches, offsets) -> {
            try (Autograd.Scope g = Autograd.noGrad()) {
                int[][] dims = new int[offsets.length][];
                Arrays.fill(dims, scanDHW);
                Tensor[] parts = new Tensor[1 + conditions.size()];
                parts[0] = descriptor.forward(patches);
                for (int c = 0; c < conditions.size(); c++) parts[c + 1] = conditions.get(c).condition(patches, offsets, dims);
                return parts.length == 1 ? parts[0] : Shapes.concat(1, parts);
            }
        };
    }

    /** Pooling kernel = stride per axis: the stride, or the whole axis where it is shorter. */
    private static int[] kernel(int[] dhw, int[] poolDHW) {
        return new int[]{Math.min(poolDHW[0], dhw[0]), Math.min(poolDHW[1], dhw[1]), Math.min(poolDHW[2], dhw[2])};
    }

    private static int[] pooledDims(int[] dhw, int[] poolDHW) {
        int[] k = kernel(dhw, poolDHW);
        return new int[]{dhw[0] / k[0], dhw[1] / k[1], dhw[2] / k[2]};
    }

    /**
     * Runs {@code descriptor} and every condition over each volume of {@code source} and keeps the pooled maps.
     *
     * @param windowDHW sliding-window size (the density's crop), overlap 0.5 with Gaussian blending as in predict
     * @param progress  one line per volume with an ETA, or null
     */
    public static FeatureCache build(UNet3d descriptor, List<ConditionSource> conditions, VolumeSource source, int[] windowDHW,
                                     int[] poolDHW, Backend be, PrintStream progress) throws IOException {
        if (source.size() == 0) throw new IllegalArgumentException("FeatureCache: no training volumes");
        return build(descriptor, conditions, source, sizes(source), windowDHW, poolDHW, be, progress);
    }

    /** As above, with the volumes' {@link #sizes} already read (a caller that counted {@link #windows} first). */
    public static FeatureCache build(UNet3d descriptor, List<ConditionSource> conditions, VolumeSource source, List<int[]> sizes,
                                     int[] windowDHW, int[] poolDHW, Backend be, PrintStream progress) throws IOException {
        if (source.size() == 0) throw new IllegalArgumentException("FeatureCache: no training volumes");
        if (sizes.size() != source.size())
            throw new IllegalArgumentException("FeatureCache: " + sizes.size() + " sizes for " + source.size() + " volumes");
        Map<String, Integer> cch = new LinkedHashMap<>();
        List<ConditionSource> used = new ArrayList<>();
        for (ConditionSource c : conditions)
            if (c.channels() > 0 && cch.putIfAbsent(c.name(), c.channels()) == null) used.add(c);
        int d = descriptor.config.outChannels;
        int total = d + cch.values().stream().mapToInt(Integer::intValue).sum();
        long positions = 0;
        for (int[] dhw : sizes) {
            int[] pd = pooledDims(dhw, poolDHW);
            positions += (long) pd[0] * pd[1] * pd[2];
        }
        long bytes = 4L * total * positions;
        long free = Runtime.getRuntime().maxMemory() - (Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory());
        if (bytes > free / 2)
            throw new IllegalStateException(String.format(Locale.ROOT, "FeatureCache: the pooled features of %d training volumes"
                    + " need %.1f GB, more than half of the free heap (%.1f GB); raise -Xmx or set \"cacheFeatures\": false in"
                    + " the density config", source.size(), bytes / 1e9, free / 1e9));
        descriptor.eval();
        List<Entry> entries = new ArrayList<>();
        long t0 = System.nanoTime();
        for (int i = 0; i < source.size(); i++) {
            Volume v = source.volume(i);
            int[] dhw = sizes.get(i);
            if (v.nz != dhw[0] || v.ny != dhw[1] || v.nx != dhw[2])
                throw new IllegalArgumentException("FeatureCache: volume " + i + " is " + v.nz + "×" + v.ny + "×" + v.nx
                        + " (D×H×W), its given size " + Arrays.toString(dhw));
            PatchFunction fn = features(descriptor, used, dhw);
            SlidingWindow.Options o = new SlidingWindow.Options().patch(windowDHW[0], windowDHW[1], windowDHW[2]).overlap(OVERLAP).backend(be);
            float[] desc;
            Map<String, float[]> cond = new LinkedHashMap<>();
            // the cache keeps host arrays only: free each volume's tensors at once (this runs inside the first
            // training step's scope, which would otherwise hold every volume's until the step ends)
            try (TensorScope scope = TensorScope.open()) {
                float[] full = SlidingWindow.run(v.floats(), dhw, fn, o).data();
                desc = pool(be, full, 0, d, dhw, poolDHW);
                int ch = d;
                for (ConditionSource c : used) {
                    cond.put(c.name(), pool(be, full, ch, c.channels(), dhw, poolDHW));
                    ch += c.channels();
                }
            }
            entries.add(new Entry(pooledDims(dhw, poolDHW), desc, cond));
            if (progress != null) {
                double el = (System.nanoTime() - t0) / 1e9;
                progress.printf(Locale.ROOT, "features: %d/%d training volumes, %.0f s, ETA %.0f s%n", i + 1, source.size(), el,
                        el / (i + 1) * (source.size() - i - 1));
            }
        }
        return new FeatureCache(entries, d, cch, poolDHW);
    }

    /**
     * Average pooling with kernel = stride of channels [c0, c0 + n) of a (C, D, H, W) map, by {@link DensityTraining#pool};
     * the remainder at the far end of an axis is dropped; an axis shorter than its stride averages all of it.
     */
    static float[] pool(Backend be, float[] x, int c0, int n, int[] dhw, int[] s) {
        int vox = dhw[0] * dhw[1] * dhw[2];
        float[] part = Arrays.copyOfRange(x, c0 * vox, (c0 + n) * vox);
        return DensityTraining.pool(Tensor.of(be, part, 1, n, dhw[0], dhw[1], dhw[2]), kernel(dhw, s)).toArray();
    }

    public int size() { return entries.size(); }

    /** Descriptor channels. */
    public int channels() { return channels; }

    /** Channels of the cached condition {@code name}; 0 for a condition not cached (or "none"). */
    public int conditionChannels(String name) { return conditionChannels.getOrDefault(name, 0); }

    public int[] poolDHW() { return poolDHW.clone(); }

    /** Pooled (D', H', W') of volume i. */
    public int[] dims(int i) { return entries.get(i).dims.clone(); }

    /** The largest crop (D', H', W') that fits in every cached volume, at most {@code want}. */
    public int[] fittingCrop(int[] want) {
        int[] c = want.clone();
        for (Entry e : entries) for (int a = 0; a < 3; a++) c[a] = Math.min(c[a], e.dims[a]);
        return c;
    }

    /**
     * Copies the block at {@code off} of size {@code size} of volume i's pooled descriptor (condition == null) or
     * condition {@code condition} into {@code out} at {@code base}, channel-major.
     */
    public void crop(int i, String condition, int[] off, int[] size, float[] out, int base) {
        Entry e = entries.get(i);
        float[] src;
        int n;
        if (condition == null) {
            src = e.descriptor;
            n = channels;
        } else {
            src = e.conditions.get(condition);
            if (src == null) throw new IllegalArgumentException("FeatureCache: condition '" + condition + "' is not cached");
            n = conditionChannels.get(condition);
        }
        int[] d = e.dims;
        int pv = d[0] * d[1] * d[2];
        int o = base;
        for (int c = 0; c < n; c++)
            for (int z = 0; z < size[0]; z++)
                for (int y = 0; y < size[1]; y++) {
                    System.arraycopy(src, c * pv + ((off[0] + z) * d[1] + off[1] + y) * d[2] + off[2], out, o, size[2]);
                    o += size[2];
                }
    }
}
