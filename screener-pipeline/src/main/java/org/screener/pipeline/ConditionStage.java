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
 * The condition stage of a {@link ModelDir}, the twin of {@link DescriptorStage}: trains {@link ConditionModel}
 * with {@link ConditionTraining} under a resumable {@link Trainer} (checkpoints in checkpoints/condition/),
 * then writes condition.safetensors and losses-condition.csv. Needs the config's {@code condition} section.
 * Running it again continues from the newest checkpoint; a finished run is not repeated.
 */
public final class ConditionStage {
    private ConditionStage() {}

    /** Trains from a folder or CSV manifest of CT volumes, preprocessed through the directory's cache. */
    public static DescriptorStage.Result run(ModelDir dir, Path data, ModelDir.Config cfg, Backend be, PrintStream progress,
                                             boolean stopOnShutdown) throws Exception {
        Trainer t = trainer(dir, Stages.source(dir, data, cfg), cfg, be, progress, UnaryOperator.identity());
        return Stages.run(t, progress, stopOnShutdown, dir.conditionLosses(), tr -> save(dir, tr));
    }

    /** Trains on already preprocessed volumes. */
    public static DescriptorStage.Result run(ModelDir dir, VolumeSource source, ModelDir.Config cfg, Backend be,
                                             PrintStream progress) throws Exception {
        return runAndFinish(dir, trainer(dir, source, cfg, be, progress, UnaryOperator.identity()));
    }

    /**
     * Seed of the stage's initialisation and batches: the run seed mixed with a stage constant, so the condition
     * model does not draw the descriptor's crop sequence.
     */
    static long seed(long runSeed) { return runSeed ^ 0x636F6E646974L; }

    /** The Trainer of the stage, resumed from the newest checkpoint; {@code wrap} may decorate the step (tests). */
    static Trainer trainer(ModelDir dir, VolumeSource source, ModelDir.Config cfg, Backend be, PrintStream progress,
                           UnaryOperator<StepFunction> wrap) throws IOException {
        cfg.validate(dir.config());
        if (cfg.condition == null) throw new IllegalArgumentException(dir.config() + ": no 'condition' section");
        ConditionConfig c = cfg.condition;
        long seed = seed(cfg.seed);
        ConditionModel model = new ConditionModel(be, c, new Random(seed));
        return Stages.trainer(dir, cfg, model, wrap.apply(new ConditionTraining(be, model, source, c)),
                dir.conditionCheckpoints(), seed, runConfig(cfg),
                new Stages.Optim(c.lr, c.eps, c.weightDecay, c.steps, c.warmupFraction, c.clipNorm, c.checkpointEvery), progress);
    }

    /** What the Trainer compares on resume: preprocessing and condition settings as JSON in a fixed order. */
    static String runConfig(ModelDir.Config cfg) {
        Map<String, Object> run = new LinkedHashMap<>();
        run.put("preprocess", cfg.preprocess);
        run.put("condition", cfg.condition);
        return ModelDir.GSON.toJson(run);
    }

    static DescriptorStage.Result runAndFinish(ModelDir dir, Trainer t) throws Exception {
        return Stages.runAndFinish(t, dir.conditionLosses(), tr -> save(dir, tr));
    }

    private static void save(ModelDir dir, Trainer t) throws IOException {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("stage", "condition");
        meta.put("steps", Long.toString(t.step()));
        Checkpoint.saveUNet(dir.condition(), ((ConditionModel) t.model()).unet, meta);
    }
}
