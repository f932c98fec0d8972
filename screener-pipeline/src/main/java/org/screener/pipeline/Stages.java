package org.screener.pipeline;

import org.screener.core.io.AtomicFile;
import org.screener.data.preprocess.PreprocessedDataset;
import org.screener.data.sampling.VolumeSource;
import org.screener.nn.train.Trainer;

import java.io.IOException;
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
