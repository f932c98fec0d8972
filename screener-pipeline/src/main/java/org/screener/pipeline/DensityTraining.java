package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.RandomStream;
import org.screener.core.Tensor;
import org.screener.core.autograd.Autograd;
import org.screener.core.ops.Spatial;
import org.screener.data.Volume;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.density.ConditionalGaussian;
import org.screener.nn.density.DensityModel;
import org.screener.nn.density.Glow;
import org.screener.nn.density.MarginalGaussian;
import org.screener.nn.train.StepFunction;
import org.screener.nn.unet.UNet3d;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * One density training step (method reference §4.1): m random crops (one uniformly placed crop per randomly
 * chosen volume; a simpler sampler than the crop-pair sampler, with no augmentation), the frozen descriptor
 * UNet under no-grad, the condition of each crop, both average-pooled with kernel = stride, Gaussian noise of
 * σ = noiseStd on the pooled descriptors and conditions (method reference §4.1), and the mean NLL of the density; backward on it.
 * All random choices come from the step's Random (the noise through one seed for the backend's counter-based
 * generator), so resumed runs see the same batches and noise.
 */
public final class DensityTraining implements StepFunction {
    private final Backend be;
    private final UNet3d descriptor;
    private final ConditionSource condition;
    private final DensityModel density;
    private final VolumeSource source;
    private final DensityConfig cfg;
    /** Asked at the first step, so a finished run that is only resumed never computes a cache; null: crops. */
    private final CacheSource cacheSource;
    private boolean asked;
    private FeatureCache cache;

    /** Where the cached path's features come from; returning null means training on crops after all. */
    @FunctionalInterface
    public interface CacheSource {
        FeatureCache get() throws java.io.IOException;
    }

    /** Training on crops of the volumes through the frozen UNets (the paper's way). */
    public DensityTraining(Backend be, UNet3d descriptor, ConditionSource condition, DensityModel density,
                           VolumeSource source, DensityConfig cfg) {
        this(be, descriptor, condition, density, source, cfg, null);
    }

    /**
     * With {@code cache} non-null, the first step asks it for the pooled maps ({@link FeatureCache}) and, if it gives
     * them, every step trains on crops of {@link DensityConfig#cachedCropDHW()} pooled positions (clipped to the
     * smallest cached volume) at a uniform random place in a random volume; else on crops through the UNets.
     */
    public DensityTraining(Backend be, UNet3d descriptor, ConditionSource condition, DensityModel density,
                           VolumeSource source, DensityConfig cfg, CacheSource cache) {
        this(be, descriptor, condition, density, source, cfg, cache, null);
        if (source.size() == 0) throw new IllegalArgumentException("DensityTraining: no training volumes");
        descriptor.eval();   // frozen: run under no-grad only, its parameters are not in the optimizer
    }

    /** Training on pooled maps already computed. */
    public DensityTraining(Backend be, FeatureCache cache, ConditionSource condition, DensityModel density, DensityConfig cfg) {
        this(be, null, condition, density, null, cfg, null, cache);
        checked(cache);
        this.asked = true;
    }

    private DensityTraining(Backend be, UNet3d descriptor, ConditionSource condition, DensityModel density, VolumeSource source,
                            DensityConfig cfg, CacheSource cacheSource, FeatureCache cache) {
        this.be = be;
        this.descriptor = descriptor;
        this.condition = condition;
        this.density = density;
        this.source = source;
        this.cfg = cfg.validate();
        this.cacheSource = cacheSource;
        this.cache = cache;
    }

    private FeatureCache checked(FeatureCache cache) {
        if (cache.size() == 0) throw new IllegalArgumentException("DensityTraining: no cached training volumes");
        if (condition.channels() != cache.conditionChannels(condition.name()))
            throw new IllegalArgumentException("DensityTraining: the feature cache holds " + cache.conditionChannels(condition.name())
                    + " channels of condition '" + condition.name() + "', the density expects " + condition.channels());
        if (!java.util.Arrays.equals(cache.poolDHW(), cfg.poolDHW()))
            throw new IllegalArgumentException("DensityTraining: the feature cache is pooled " + java.util.Arrays.toString(cache.poolDHW())
                    + ", the density config asks for " + java.util.Arrays.toString(cfg.poolDHW()));
        return cache;
    }

    /** The density model a config asks for, on descriptors of d channels and conditions of dc (0: none). */
    public static DensityModel newModel(Backend be, DensityConfig cfg, int d, int dc, Random rnd) {
        if (DensityConfig.GAUSSIAN.equals(cfg.kind))
            return dc == 0 ? new MarginalGaussian(be, d) : new ConditionalGaussian(be, d, dc, cfg.gaussianHidden, rnd);
        if (DensityConfig.FLOW.equals(cfg.kind)) return new Glow(be, d, dc, cfg.flowSteps, cfg.flowHidden, rnd);
        throw new IllegalArgumentException("DensityTraining: unknown density kind '" + cfg.kind + "'");
    }

    /** Average pooling with kernel = stride (D, H, W), no padding (a remainder at the far end is dropped). */
    public static Tensor pool(Tensor x, int[] strideDHW) {
        return Spatial.avgPool3d(x, strideDHW, strideDHW, new int[3]);
    }

    /** Descriptors and condition of a batch of crops, pooled; c is null without a condition. */
    static Tensor[] pooledInputs(UNet3d descriptor, ConditionSource condition, Tensor crops, int[][] offsets,
                                 int[][] scanDims, int[] strideDHW) {
        try (Autograd.Scope g = Autograd.noGrad()) {
            Tensor y = pool(descriptor.forward(crops), strideDHW);
            Tensor c = condition.condition(crops, offsets, scanDims);
            return new Tensor[]{y, c == null ? null : pool(c, strideDHW)};
        }
    }

    @Override public Map<String, Double> step(long step, Random rnd) throws Exception {
        if (!asked) {
            FeatureCache c = cacheSource != null ? cacheSource.get() : null;
            cache = c == null ? null : checked(c);
            asked = true;
        }
        Tensor[] yc = cache != null ? cachedInputs(rnd) : croppedInputs(rnd);
        Tensor y = yc[0], c = yc[1];
        if (cfg.noiseStd > 0) {
            // drawn on the backend from one long of the step's Random: no host-built tensor per step, and the
            // same noise on every backend and thread count (Philox)
            RandomStream noise = new RandomStream(rnd.nextLong());
            y = y.add(noise.normal(be, 0f, (float) cfg.noiseStd, y.shape()));
            if (c != null) c = c.add(noise.normal(be, 0f, (float) cfg.noiseStd, c.shape()));
        }
        Tensor loss = density.loss(y, c);
        loss.backward();
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("loss", loss.itemDouble());
        return out;
    }

    private Tensor[] cachedInputs(Random rnd) {
        int m = cfg.cropsPerBatch;
        int[] cs = cache.fittingCrop(cfg.cachedCropDHW());
        int vox = cs[0] * cs[1] * cs[2], d = cache.channels(), dc = condition.channels();
        float[] yd = new float[m * d * vox], cd = new float[m * dc * vox];
        for (int b = 0; b < m; b++) {
            int i = rnd.nextInt(cache.size());
            int[] dims = cache.dims(i), off = new int[3];
            for (int a = 0; a < 3; a++) off[a] = rnd.nextInt(dims[a] - cs[a] + 1);
            cache.crop(i, null, off, cs, yd, b * d * vox);
            if (dc > 0) cache.crop(i, condition.name(), off, cs, cd, b * dc * vox);
        }
        return new Tensor[]{Tensor.of(be, yd, m, d, cs[0], cs[1], cs[2]), dc == 0 ? null : Tensor.of(be, cd, m, dc, cs[0], cs[1], cs[2])};
    }

    private Tensor[] croppedInputs(Random rnd) throws java.io.IOException {
        int m = cfg.cropsPerBatch;
        int[] cs = cfg.cropDHW();
        int vox = cs[0] * cs[1] * cs[2];
        float[] data = new float[m * vox];
        int[][] offsets = new int[m][], dims = new int[m][];
        for (int b = 0; b < m; b++) {
            Volume v = source.volume(rnd.nextInt(source.size()));
            dims[b] = new int[]{v.nz, v.ny, v.nx};
            offsets[b] = new int[3];
            for (int a = 0; a < 3; a++)
                offsets[b][a] = dims[b][a] >= cs[a] ? rnd.nextInt(dims[b][a] - cs[a] + 1) : -(cs[a] - dims[b][a]) / 2;
            crop(v, offsets[b], cs, data, b * vox);
        }
        Tensor x = Tensor.of(be, data, m, 1, cs[0], cs[1], cs[2]);
        return pooledInputs(descriptor, condition, x, offsets, dims, cfg.poolDHW());
    }

    /** Copies the (D, H, W) block of {@code v} at {@code off} into {@code out}; outside the volume its minimum. */
    static void crop(Volume v, int[] off, int[] size, float[] out, int base) {
        float[] src = v.floats();
        float fill = v.range()[0];
        int i = base;
        for (int d = 0; d < size[0]; d++) {
            int z = off[0] + d;
            for (int h = 0; h < size[1]; h++) {
                int yy = off[1] + h;
                for (int w = 0; w < size[2]; w++, i++) {
                    int xx = off[2] + w;
                    boolean in = z >= 0 && z < v.nz && yy >= 0 && yy < v.ny && xx >= 0 && xx < v.nx;
                    out[i] = in ? src[v.index(xx, yy, z)] : fill;
                }
            }
        }
    }
}
