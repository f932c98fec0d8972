package org.screener.cli;

import org.screener.core.Backends;
import org.screener.core.cpu.Parallel;
import org.screener.data.preprocess.PreprocessConfig;
import org.screener.pipeline.ConditionConfig;
import org.screener.pipeline.ConditionStage;
import org.screener.pipeline.DescriptorConfig;
import org.screener.pipeline.DescriptorStage;
import org.screener.pipeline.DensityConfig;
import org.screener.pipeline.DensityStage;
import org.screener.pipeline.ModelDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Train a Screener model stage into a model directory; resumes from its checkpoints. */
@Command(name = "train", description = {"Train a Screener model stage into a self-describing model directory.",
        "Resumes automatically when the directory holds checkpoints; options left out are then taken from its config.json."})
public final class TrainCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--data", required = true, description = "Folder of NIfTI volumes or CSV manifest with an 'image' column.") Path data;
    @Option(names = "--out", required = true, description = "Model directory (created).") Path out;
    @Option(names = "--preset", description = "cpu-small or paper (default: the model dir's, else cpu-small).") String preset;
    @Option(names = "--seed", description = "Seed of initialisation and sampling (default: the model dir's, else 0).") Long seed;
    @Option(names = "--stage", defaultValue = "descriptor", description = "Stage to train: descriptor, condition, density, or all (descriptor then condition) (default: ${DEFAULT-VALUE}).") String stage;
    @Option(names = "--steps", description = "Training steps (default: the model dir's, else the preset's).") Long steps;
    @Option(names = "--threads", description = "Compute threads (default: all cores).") Integer threads;
    @Option(names = "--split", description = "Train on the manifest rows whose 'split' column is this (default: 'train' when the manifest has a 'split' column, else all rows).") String split;
    @Option(names = "--objective", description = "SSL objective of a new model dir's descriptor and condition UNets: vicreg (the paper's) or infonce (default: the model dir's, else vicreg).") String objective;
    @Option(names = "--density", description = "Density stage: gaussian or flow (default: the model dir's, else gaussian).") String densityKind;
    @Option(names = "--condition", description = "Density stage: none, sincos, or learned (the condition stage's model; train --stage condition first) (default: the model dir's, else none).") String densityCondition;

    @Spec CommandSpec spec;

    @Override public Integer call() throws Exception {
        java.io.PrintWriter err = spec.commandLine().getErr();
        if (stage.equals("density")) return density(err);
        if (!stage.equals("descriptor") && !stage.equals("condition") && !stage.equals("all"))
            throw new IllegalArgumentException("--stage must be descriptor, condition, density or all, got '" + stage + "'");
        if (!Files.exists(data)) throw new IllegalArgumentException("--data " + data + " does not exist");
        if (steps != null && steps < 2) throw new IllegalArgumentException("--steps must be >= 2, got " + steps);
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is not a directory");

        ModelDir dir = new ModelDir(out);
        ModelDir.Config cfg;
        if (dir.hasConfig()) {
            cfg = dir.readConfig();
            if (preset != null && !preset.equals(cfg.descriptor.preset))
                throw new IllegalArgumentException(out + " was created with preset '" + cfg.descriptor.preset
                        + "', not '" + preset + "'; use another --out");
            if (objective != null && !objective.equals(cfg.descriptor.objective()))
                throw new IllegalArgumentException(out + " was created with objective '" + cfg.descriptor.objective()
                        + "', not '" + objective + "'; use another --out");
        } else {
            cfg = new ModelDir.Config();
            cfg.preprocess = PreprocessConfig.defaults();
            cfg.descriptor = DescriptorConfig.preset(preset != null ? preset : "cpu-small");
        }
        if (cfg.condition == null) cfg.condition = ConditionConfig.preset(cfg.descriptor.preset);   // dirs made before the condition stage
        if (objective != null && !dir.hasConfig()) {
            DescriptorConfig.checkObjective(objective, "--objective");
            cfg.descriptor.objective = objective.equals(DescriptorConfig.VICREG) ? null : objective;
            cfg.condition.objective = cfg.descriptor.objective;
        }
        if (seed != null) cfg.seed = seed;
        boolean descriptorStage = !stage.equals("condition"), conditionStage = !stage.equals("descriptor");
        if (steps != null && descriptorStage) cfg.descriptor.steps = steps;
        if (steps != null && conditionStage) cfg.condition.steps = steps;
        cfg.data = data.toAbsolutePath().toString();
        cfg.split = split(err);
        if (threads != null) Parallel.setThreads(threads);

        PrintStream progress = new PrintStream(lines(err), true, StandardCharsets.UTF_8);
        if (descriptorStage) {
            err.printf(Locale.ROOT, "train: descriptor stage, preset %s, %d steps, seed %d, threads %d -> %s%n",
                    cfg.descriptor.preset, cfg.descriptor.steps, cfg.seed, Parallel.threads(), out);
            DescriptorStage.Result r = DescriptorStage.run(dir, data, cfg, Backends.getDefault(), progress, true);
            report(err, r, dir.descriptor());
            if (!r.finished()) return 0;   // interrupted: the condition stage waits for the next run
        }
        if (conditionStage) {
            err.printf(Locale.ROOT, "train: condition stage, preset %s, %d steps, seed %d, threads %d -> %s%n",
                    cfg.condition.preset, cfg.condition.steps, cfg.seed, Parallel.threads(), out);
            DescriptorStage.Result r = ConditionStage.run(dir, data, cfg, Backends.getDefault(), progress, true);
            report(err, r, dir.condition());
        }
        return 0;
    }

    /** --split, or 'train' for a manifest with a 'split' column (said once), else null (every row). */
    private String split(java.io.PrintWriter err) throws java.io.IOException {
        if (split != null) return split;
        if (Files.isRegularFile(data) && org.screener.data.preprocess.CaseList.hasSplitColumn(data)) {
            err.println("train: the manifest has a 'split' column; training on its 'train' rows (--split to choose)");
            return "train";
        }
        return null;
    }

    private static void report(java.io.PrintWriter err, DescriptorStage.Result r, Path weights) {
        if (r.resumedFrom() >= r.totalSteps()) {
            err.printf(Locale.ROOT, "train: already trained (%d/%d steps); wrote %s%n", r.stepsDone(), r.totalSteps(), weights);
            return;
        }
        if (r.resumedFrom() > 0) err.printf(Locale.ROOT, "train: resumed from step %d%n", r.resumedFrom());
        err.printf(Locale.ROOT, "train: %d/%d steps, %.2f steps/s this run; %s%n", r.stepsDone(), r.totalSteps(),
                r.stepsPerSecond(), r.finished() ? "wrote " + weights : "stopped before the end");
    }

    /** --stage density: needs the model dir's trained descriptor; settings recorded in its config.json. */
    private int density(java.io.PrintWriter err) throws Exception {
        ModelDir dir = new ModelDir(out);
        if (!dir.hasConfig() || !Files.isRegularFile(dir.descriptor())) {
            err.println("screener train: --stage density needs a trained descriptor in " + out
                    + " (" + ModelDir.DESCRIPTOR + "); run --stage descriptor first");
            return 2;
        }
        if (!Files.exists(data)) throw new IllegalArgumentException("--data " + data + " does not exist");
        if (steps != null && steps < 2) throw new IllegalArgumentException("--steps must be >= 2, got " + steps);
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        ModelDir.Config cfg = dir.readConfig();
        if (preset != null && !preset.equals(cfg.descriptor.preset))
            throw new IllegalArgumentException(out + " was created with preset '" + cfg.descriptor.preset + "', not '" + preset + "'");
        if (cfg.density == null) {
            cfg.density = DensityConfig.preset(cfg.descriptor.preset);
            cfg.density.kind = DensityConfig.GAUSSIAN;
        }
        if (densityKind != null) cfg.density.kind = densityKind;
        if (densityCondition != null) cfg.density.condition = densityCondition;
        if (seed != null) cfg.seed = seed;
        if (steps != null) cfg.density.steps = steps;
        cfg.split = split(err);
        cfg.density.validate();
        if (threads != null) Parallel.setThreads(threads);
        err.printf(Locale.ROOT, "train: density stage (%s, condition %s), preset %s, %d steps, seed %d, threads %d -> %s%n",
                cfg.density.kind, cfg.density.condition, cfg.density.preset, cfg.density.steps, cfg.seed, Parallel.threads(), out);
        PrintStream progress = new PrintStream(lines(err), true, StandardCharsets.UTF_8);
        // a refusal (e.g. checkpoints of other settings) reaches Main, which prints its first line
        DescriptorStage.Result r = DensityStage.run(dir, data, cfg, Backends.getDefault(), progress, true);
        if (r.resumedFrom() >= r.totalSteps()) {
            err.printf(Locale.ROOT, "train: density already trained (%d/%d steps); wrote %s%n", r.stepsDone(), r.totalSteps(), dir.density());
            return 0;
        }
        if (r.resumedFrom() > 0) err.printf(Locale.ROOT, "train: resumed from step %d%n", r.resumedFrom());
        err.printf(Locale.ROOT, "train: %d/%d density steps, %.2f steps/s this run; %s%n", r.stepsDone(), r.totalSteps(),
                r.stepsPerSecond(), r.finished() ? "wrote " + dir.density() : "stopped before the end");
        return 0;
    }

    /** The trainer's progress (a PrintStream) into picocli's err writer, a whole UTF-8 line at a time. */
    static OutputStream lines(java.io.PrintWriter w) {
        return new OutputStream() {
            private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
            @Override public void write(int b) {
                buf.write(b);
                if (b == '\n') flush();
            }
            @Override public void flush() {
                if (buf.size() == 0) return;
                w.print(buf.toString(StandardCharsets.UTF_8));
                w.flush();
                buf.reset();
            }
        };
    }
}
