package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.density.DensityModel;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.train.Trainer;
import org.screener.nn.unet.UNet3d;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * The density stage of a {@link ModelDir}: needs the trained descriptor.safetensors, records its settings in
 * config.json ("density"), trains the density model with {@link DensityTraining} under a resumable
 * {@link Trainer} (checkpoints in checkpoints/density/), then writes density.safetensors (its settings in the
 * metadata, so {@link DensityScorer} can rebuild it) and losses-density.csv.
 */
public final class DensityStage {
    private DensityStage() {}

    /** Metadata keys of density.safetensors. */
    public static final String META_CONFIG = "density_config", META_CHANNELS = "channels", META_CONDITION_CHANNELS = "condition_channels";

    /** Trains from a folder or CSV manifest of CT volumes, preprocessed through the directory's cache. */
    public static DescriptorStage.Result run(ModelDir dir, Path data, ModelDir.Config cfg, Backend be, PrintStream progress,
                                             boolean stopOnShutdown) throws Exception {
        Trainer t = trainer(dir, Stages.source(dir, data, cfg), cfg, be, progress, null);
        return Stages.run(t, progress, stopOnShutdown, dir.densityLosses(), tr -> save(dir, tr, cfg.density));
    }

    /** Trains on already preprocessed volumes. */
    public static DescriptorStage.Result run(ModelDir dir, VolumeSource source, ModelDir.Config cfg, Backend be,
                                             PrintStream progress) throws Exception {
        return run(dir, source, cfg, be, progress, null);
    }

    /**
     * As {@link #run(ModelDir, VolumeSource, ModelDir.Config, Backend, PrintStream)}, with the pooled features of
     * {@code source} already computed by this directory's descriptor (several densities can share one cache); with
     * {@code features} null and cacheFeatures set, the stage builds its own.
     */
    public static DescriptorStage.Result run(ModelDir dir, VolumeSource source, ModelDir.Config cfg, Backend be,
                                             PrintStream progress, FeatureCache features) throws Exception {
        return runAndFinish(dir, trainer(dir, source, cfg, be, progress, features), cfg.density);
    }

    static Trainer trainer(ModelDir dir, VolumeSource source, ModelDir.Config cfg, Backend be, PrintStream progress,
                           FeatureCache features) throws IOException {
        if (cfg.density == null) throw new IllegalArgumentException("DensityStage: the config has no 'density' section");
        cfg.validate(dir.config());
        if (!Files.isRegularFile(dir.descriptor()))
            throw new IllegalStateException(dir.root + " has no trained descriptor (" + ModelDir.DESCRIPTOR
                    + "); train the descriptor stage first");
        DensityConfig d = cfg.density;
        UNet3d unet = Checkpoint.loadUNet(dir.descriptor());
        unet.to(be);
        ConditionSource cond = d.conditionSource(dir, be);
        DensityModel model = DensityTraining.newModel(be, d, unet.config.outChannels, cond.channels(), new Random(cfg.seed));
        DensityTraining step;
        if (d.cachesFeatures()) {
            step = features != null ? new DensityTraining(be, features, cond, model, d)
                    : new DensityTraining(be, unet, cond, model, source, d, () -> {
                        java.util.List<int[]> sizes = FeatureCache.sizes(source);
                        long windows = FeatureCache.windows(sizes, d.cropDHW()), crops = d.steps * d.cropsPerBatch;
                        if (windows > crops) {   // e.g. a few steps on big scans: computing every window would cost more
                            if (progress != null)
                                progress.printf("density: %d windows to cache the training features, more than the %d crops of %d steps;"
                                        + " training on crops%n", windows, crops, d.steps);
                            return null;
                        }
                        return FeatureCache.build(unet, java.util.List.of(cond), source, sizes, d.cropDHW(), d.poolDHW(), be, progress);
                    });
        } else {
            step = new DensityTraining(be, unet, cond, model, source, d);
        }
        return Stages.trainer(dir, cfg, model, step, dir.densityCheckpoints(),
                cfg.seed, runConfig(cfg),
                new Stages.Optim(d.lr, d.eps, d.weightDecay, d.steps, d.warmupFraction, d.clipNorm, d.checkpointEvery), progress);
    }

    /** What the Trainer compares on resume: preprocessing, descriptor and density settings in a fixed order. */
    static String runConfig(ModelDir.Config cfg) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("preprocess", cfg.preprocess);
        run.put("descriptor", cfg.descriptor);
        run.put("density", cfg.density);
        return ModelDir.GSON.toJson(run);
    }

    static DescriptorStage.Result runAndFinish(ModelDir dir, Trainer t, DensityConfig d) throws Exception {
        return Stages.runAndFinish(t, dir.densityLosses(), tr -> save(dir, tr, d));
    }

    private static void save(ModelDir dir, Trainer t, DensityConfig d) throws IOException {
        DensityModel m = (DensityModel) t.model();
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("stage", "density");
        meta.put("steps", Long.toString(t.step()));
        meta.put(META_CONFIG, ModelDir.GSON.toJson(d));
        meta.put(META_CHANNELS, Integer.toString(m.channels()));
        meta.put(META_CONDITION_CHANNELS, Integer.toString(m.conditionChannels()));
        Checkpoint.saveModel(dir.density(), m, meta);
    }
}
