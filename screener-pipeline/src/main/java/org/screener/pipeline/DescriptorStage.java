package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.train.StepFunction;
import org.screener.nn.train.Trainer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.UnaryOperator;

/**
 * The descriptor stage of a {@link ModelDir}: writes config.json, trains {@link DescriptorModel} with
 * {@link DescriptorTraining} under a resumable {@link Trainer} (checkpoints in checkpoints/descriptor/),
 * then writes descriptor.safetensors and losses-descriptor.csv. Running it again on a directory with
 * checkpoints continues from the newest one; a finished run is not repeated.
 */
public final class DescriptorStage {
    private DescriptorStage() {}

    /** What a run did. */
    public record Result(long resumedFrom, long stepsDone, long totalSteps, boolean finished, double seconds) {
        /** Steps per second of this run (0 when it ran none). */
        public double stepsPerSecond() { return seconds > 0 ? (stepsDone - resumedFrom) / seconds : 0; }
    }

    /** Trains from a folder or CSV manifest of CT volumes, preprocessed through the directory's cache. */
    public static Result run(ModelDir dir, Path data, ModelDir.Config cfg, Backend be, PrintStream progress) throws Exception {
        return run(dir, data, cfg, be, progress, false);
    }

    /**
     * As {@link #run(ModelDir, Path, ModelDir.Config, Backend, PrintStream)}; with {@code stopOnShutdown} a JVM
     * shutdown (Ctrl-C) during training stops after the current step and checkpoints it before the JVM exits.
     */
    public static Result run(ModelDir dir, Path data, ModelDir.Config cfg, Backend be, PrintStream progress,
                             boolean stopOnShutdown) throws Exception {
        Trainer t = trainer(dir, Stages.source(dir, data, cfg), cfg, be, progress, UnaryOperator.identity());
        return Stages.run(t, progress, stopOnShutdown, dir.descriptorLosses(), tr -> save(dir, tr));
    }

    /** Trains on already preprocessed volumes. */
    public static Result run(ModelDir dir, VolumeSource source, ModelDir.Config cfg, Backend be, PrintStream progress) throws Exception {
        Trainer t = trainer(dir, source, cfg, be, progress, UnaryOperator.identity());
        return runAndFinish(dir, t);
    }

    /** The Trainer of the stage, resumed from the newest checkpoint; {@code wrap} may decorate the step (tests). */
    static Trainer trainer(ModelDir dir, VolumeSource source, ModelDir.Config cfg, Backend be, PrintStream progress,
                           UnaryOperator<StepFunction> wrap) throws IOException {
        cfg.validate(dir.config());
        DescriptorConfig d = cfg.descriptor;
        DescriptorModel model = new DescriptorModel(be, d, new Random(cfg.seed));
        return Stages.trainer(dir, cfg, model, wrap.apply(new DescriptorTraining(be, model, source, d)),
                dir.descriptorCheckpoints(), cfg.seed, runConfig(cfg),
                new Stages.Optim(d.lr, d.eps, d.weightDecay, d.steps, d.warmupFraction, d.clipNorm, d.checkpointEvery), progress);
    }

    /**
     * What the Trainer compares on resume (it refuses checkpoints of another training config): preprocessing
     * and descriptor settings as JSON in a fixed order (Map.of's order would change from one JVM to the next).
     */
    static String runConfig(ModelDir.Config cfg) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("preprocess", cfg.preprocess);
        run.put("descriptor", cfg.descriptor);
        return ModelDir.GSON.toJson(run);
    }

    static Result runAndFinish(ModelDir dir, Trainer t) throws Exception {
        return Stages.runAndFinish(t, dir.descriptorLosses(), tr -> save(dir, tr));
    }

    private static void save(ModelDir dir, Trainer t) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("stage", "descriptor");
        meta.put("steps", Long.toString(t.step()));
        Checkpoint.saveUNet(dir.descriptor(), ((DescriptorModel) t.model()).unet, meta);
    }
}
