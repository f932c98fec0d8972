package org.screener.pipeline;

import org.screener.core.Backend;
import org.screener.core.io.AtomicFile;
import org.screener.data.preprocess.PreprocessedDataset;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.optim.AdamW;
import org.screener.nn.optim.LrSchedule;
import org.screener.nn.train.StepFunction;
import org.screener.nn.train.Trainer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
        PreprocessedDataset ds = PreprocessedDataset.of(data, cfg.preprocess, dir.cache());
        if (ds.size() == 0) throw new IllegalArgumentException("no training volumes in " + data);
        Trainer t = trainer(dir, VolumeSource.of(ds), cfg, be, progress, UnaryOperator.identity());
        if (!stopOnShutdown) return runAndFinish(dir, t);
        try (StopOnShutdown hook = new StopOnShutdown(t, progress != null ? progress : System.err)) {
            return runAndFinish(dir, t);
        }
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
        AdamW opt = new AdamW(model.namedParameters(), d.lr, 0.9, 0.999, d.eps, d.weightDecay);
        Trainer t = new Trainer(model, opt, wrap.apply(new DescriptorTraining(be, model, source, d)), d.steps,
                dir.descriptorCheckpoints())
                .seed(cfg.seed)
                .config(runConfig(cfg))
                .schedule(LrSchedule.oneCycle(d.lr, d.steps, d.warmupFraction, 25, 1e4))
                .clipGradNorm(d.clipNorm)
                .checkpointEvery(d.checkpointEvery)
                .progress(progress == null ? 0 : 10, progress == null ? 0 : 30,
                        progress == null ? new PrintStream(OutputStream.nullOutputStream()) : progress);
        t.resume();
        dir.writeConfig(cfg);
        return t;
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
        long from = t.step();
        long t0 = System.nanoTime();
        boolean finished = from >= t.totalSteps() || t.run();
        double sec = (System.nanoTime() - t0) / 1e9;
        Path losses = t.dir().resolve(Trainer.LOSSES);
        if (Files.isRegularFile(losses))
            AtomicFile.write(dir.descriptorLosses(), tmp -> Files.copy(losses, tmp, StandardCopyOption.REPLACE_EXISTING));
        if (finished) {
            DescriptorModel m = (DescriptorModel) t.model();
            Map<String, String> meta = new LinkedHashMap<>();
            meta.put("stage", "descriptor");
            meta.put("steps", Long.toString(t.step()));
            Checkpoint.saveUNet(dir.descriptor(), m.unet, meta);   // atomic (Safetensors writes via AtomicFile)
        }
        return new Result(from, t.step(), t.totalSteps(), finished, sec);
    }
}
