package org.screener.pipeline;

import org.screener.core.io.AtomicFile;
import org.screener.data.preprocess.PreprocessedDataset;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.Module;
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

/** What the descriptor, condition and density stages share: the data, the run, and the finish. */
final class Stages {
    private Stages() {}

    /** Writes a finished stage's weights. */
    @FunctionalInterface
    interface Saver {
        void save(Trainer t) throws IOException;
    }

    /** The optimisation settings every stage's config carries under the same names. */
    record Optim(double lr, double eps, double weightDecay, long steps, double warmupFraction, double clipNorm,
                 long checkpointEvery) {}

    /**
     * A stage's resumable Trainer: AdamW (β 0.9, 0.999), a one-cycle schedule with a cosine warm-up, gradient
     * clipping, checkpoints every {@code checkpointEvery} steps into {@code checkpoints}, progress every 10 steps
     * or 30 s (none when {@code progress} is null); resumed from the newest checkpoint, then config.json written.
     */
    static Trainer trainer(ModelDir dir, ModelDir.Config cfg, Module model, StepFunction step, Path checkpoints,
                           long seed, String runConfig, Optim o, PrintStream progress) throws IOException {
        AdamW opt = new AdamW(model.namedParameters(), o.lr(), 0.9, 0.999, o.eps(), o.weightDecay());
        Trainer t = new Trainer(model, opt, step, o.steps(), checkpoints)
                .seed(seed)
                .config(runConfig)
                .schedule(LrSchedule.oneCycle(o.lr(), o.steps(), o.warmupFraction(), 25, 1e4))
                .clipGradNorm(o.clipNorm())
                .checkpointEvery(o.checkpointEvery())
                .progress(progress == null ? 0 : 10, progress == null ? 0 : 30,
                        progress == null ? new PrintStream(OutputStream.nullOutputStream()) : progress);
        t.resume();
        dir.writeConfig(cfg);
        return t;
    }

    /** The training volumes of a folder or CSV manifest, preprocessed through the model dir's cache. */
    static VolumeSource source(ModelDir dir, Path data, ModelDir.Config cfg) throws IOException {
        PreprocessedDataset ds = PreprocessedDataset.of(data, cfg.split, cfg.preprocess, dir.cache());
        if (ds.size() == 0) throw new IllegalArgumentException("no training volumes in " + data);
        for (var c : ds.cases())
            if (!java.nio.file.Files.exists(c.image()))   // fail before training starts, not at the first batch that draws it
                throw new IllegalArgumentException(data + ": training image " + c.image() + " does not exist");
        return VolumeSource.of(ds);
    }

    /** {@link #runAndFinish}; with {@code stopOnShutdown} a Ctrl-C stops after the current step and checkpoints it. */
    static DescriptorStage.Result run(Trainer t, PrintStream progress, boolean stopOnShutdown, Path lossesOut, Saver saver)
            throws Exception {
        if (!stopOnShutdown) return runAndFinish(t, lossesOut, saver);
        try (StopOnShutdown hook = new StopOnShutdown(t, progress != null ? progress : System.err)) {
            return runAndFinish(t, lossesOut, saver);
        }
    }

    /** Runs the remaining steps, copies the loss log to {@code lossesOut}, and saves the weights once finished. */
    static DescriptorStage.Result runAndFinish(Trainer t, Path lossesOut, Saver saver) throws Exception {
        long from = t.step();
        long t0 = System.nanoTime();
        boolean finished = from >= t.totalSteps() || t.run();
        double sec = (System.nanoTime() - t0) / 1e9;
        Path losses = t.dir().resolve(Trainer.LOSSES);
        if (Files.isRegularFile(losses))
            AtomicFile.write(lossesOut, tmp -> Files.copy(losses, tmp, StandardCopyOption.REPLACE_EXISTING));
        if (finished) saver.save(t);   // atomic: safetensors are written through AtomicFile
        return new DescriptorStage.Result(from, t.step(), t.totalSteps(), finished, sec);
    }
}
