package org.screener.nn.train;

import org.screener.core.TensorScope;
import org.screener.nn.Module;
import org.screener.nn.StateMismatchException;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.optim.GradClip;
import org.screener.nn.optim.LrSchedule;
import org.screener.nn.optim.Optimizer;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;

/**
 * A resumable training loop: {@code totalSteps} calls of a {@link StepFunction}, each followed by optional
 * gradient clipping, the lr schedule, the optimizer step and zeroGrad; progress lines on stderr, a
 * {@value #LOSSES} log and checkpoints (see {@link CheckpointDir}) every {@code checkpointEvery} steps and at
 * the end, keeping the newest {@code keepLast}.
 *
 * <pre>{@code
 * Trainer t = new Trainer(model, opt, (step, rnd) -> {...; loss.backward(); return Map.of("loss", l);}, 10_000, dir)
 *         .seed(1).schedule(LrSchedule.warmupCosine(1e-3, 500, 10_000, 1e-5)).clipGradNorm(1.0).config(cfgJson);
 * t.resume();   // 0 without a checkpoint
 * t.run();
 * }</pre>
 *
 * A resumed run is bit-identical to an uninterrupted one as long as the step function draws all its randomness
 * from the {@code Random} it is given and the model's state lives in its state dict.
 *
 * <p>Each step (step function, clipping, optimizer step, zeroGrad) runs inside one {@link TensorScope}: every
 * tensor made during the step is closed when it ends, so the backend reuses its memory next step. Parameters,
 * optimizer state, buffers and anything a step function caches across steps must therefore be created outside
 * the step (in constructors) or kept ({@code TensorScope.current().keep(t)}); a tensor made in one step and
 * used in a later one fails with "... used after close". Writing into long-lived tensors in place is fine.
 */
public final class Trainer {
    public static final String LOSSES = "losses.csv";
    /** Extra CSV column with the gradient norm before clipping (when clipping is on). */
    public static final String GRAD_NORM = "grad_norm";

    private final Module model;
    private final Optimizer optimizer;
    private final StepFunction stepFn;
    private final long totalSteps;
    private final CheckpointDir checkpoints;

    private long seed;
    private String config = "";
    private LrSchedule schedule;
    private double clipNorm;
    private long checkpointEvery = 1000;
    private int keepLast = 2;
    private int progressEvery = 100;
    private double progressSeconds = 10;
    private PrintStream progressOut = System.err;

    private long step; // steps done
    private boolean resumed;
    private volatile boolean stopRequested;
    /** Test hook: called with a file name just before it is written into a checkpoint. */
    interface WriteHook { void before(Path file) throws IOException; }
    WriteHook writeHook = f -> {};

    public Trainer(Module model, Optimizer optimizer, StepFunction stepFn, long totalSteps, Path dir) {
        if (totalSteps <= 0) throw new IllegalArgumentException("Trainer: totalSteps " + totalSteps + " must be positive");
        this.model = Objects.requireNonNull(model, "model");
        this.optimizer = Objects.requireNonNull(optimizer, "optimizer");
        this.stepFn = Objects.requireNonNull(stepFn, "stepFn");
        this.totalSteps = totalSteps;
        this.checkpoints = new CheckpointDir(Objects.requireNonNull(dir, "dir"));
    }

    /** Seed of the per-step Random (default 0). Resuming requires the same seed. */
    public Trainer seed(long seed) { this.seed = seed; return this; }

    /** Free-form description of the run (e.g. the model config as JSON); resuming requires an equal string. */
    public Trainer config(String config) { this.config = Objects.requireNonNull(config, "config"); return this; }

    /** Sets the lr before every step; without one the optimizer's lr is kept. */
    public Trainer schedule(LrSchedule schedule) { this.schedule = schedule; return this; }

    /** Clips gradients to this global L2 norm; 0 turns clipping off. */
    public Trainer clipGradNorm(double maxNorm) {
        if (!(maxNorm >= 0)) throw new IllegalArgumentException("Trainer: clip norm " + maxNorm);
        this.clipNorm = maxNorm;
        return this;
    }

    public Trainer checkpointEvery(long steps) {
        if (steps <= 0) throw new IllegalArgumentException("Trainer: checkpointEvery " + steps + " must be positive");
        this.checkpointEvery = steps;
        return this;
    }

    public Trainer keepLast(int k) {
        if (k <= 0) throw new IllegalArgumentException("Trainer: keepLast " + k + " must be positive");
        this.keepLast = k;
        return this;
    }

    /** A progress line every {@code steps} steps (0: never by count) or {@code seconds} seconds (0: never by time). */
    public Trainer progress(int steps, double seconds, PrintStream out) {
        this.progressEvery = steps;
        this.progressSeconds = seconds;
        this.progressOut = out;
        return this;
    }

    /**
     * Asks the loop to stop after the current step; it then writes a checkpoint of that step, so nothing is
     * lost (safe to call from another thread, e.g. a shutdown hook, or from the step function).
     */
    public void requestStop() { stopRequested = true; }

    /** Steps done so far. */
    public long step() { return step; }

    public long totalSteps() { return totalSteps; }

    public Path dir() { return checkpoints.root; }

    public Module model() { return model; }

    public Optimizer optimizer() { return optimizer; }

    StepFunction stepFunction() { return stepFn; }

    /** The Random a step draws from: depends on (seed, step) only. */
    public static Random stepRandom(long seed, long step) {
        return new Random(mix(mix(seed) + step));
    }

    // SplitMix64's finalizer: neighbouring (seed, step) pairs give unrelated Random seeds
    private static long mix(long z) {
        z += 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Restores model, optimizer and step from the newest complete checkpoint. Returns the step resumed from,
     * or 0 when there is none. Refuses (IllegalStateException) a checkpoint of another config, seed or model
     * shape, or one beyond totalSteps.
     */
    public long resume() throws IOException {
        Optional<CheckpointDir.Entry> newest = checkpoints.newest();
        resumed = true;
        if (newest.isEmpty()) return step = 0;
        CheckpointDir.Entry e = newest.get();
        CheckpointDir.State s = e.state();
        String where = "Trainer.resume from " + e.dir();
        if (!config.equals(s.config))
            throw new IllegalStateException(where + ": checkpoint config differs from this run's (" + firstDifference(s.config, config)
                    + "); use another directory or the checkpoint's settings\n  checkpoint: " + s.config + "\n  this run:   " + config);
        if (s.seed != seed)
            throw new IllegalStateException(where + ": checkpoint seed " + s.seed + " differs from this run's " + seed);
        if (s.step > totalSteps)
            throw new IllegalStateException(where + ": checkpoint is at step " + s.step + ", beyond this run's total " + totalSteps);
        try {
            Checkpoint.loadModel(e.dir().resolve(CheckpointDir.MODEL), model, true);
        } catch (StateMismatchException ex) {
            throw new IllegalStateException(where + ": the model does not match the checkpoint: " + ex.getMessage(), ex);
        }
        try {
            Checkpoint.loadOptimizer(e.dir().resolve(CheckpointDir.OPTIMIZER), optimizer);
        } catch (IllegalArgumentException ex) {
            throw new IllegalStateException(where + ": the optimizer does not match the checkpoint: " + ex.getMessage(), ex);
        }
        return step = s.step;
    }

    /** The first line where two configs differ, e.g. {@code "steps": 600, vs "steps": 3,}. */
    static String firstDifference(String a, String b) {
        String[] x = String.valueOf(a).split("\n"), y = String.valueOf(b).split("\n");
        for (int i = 0; i < Math.max(x.length, y.length); i++) {
            String p = i < x.length ? x[i].trim() : "(end)", q = i < y.length ? y[i].trim() : "(end)";
            if (!p.equals(q)) return "checkpoint " + p + " vs this run " + q;
        }
        return "no line differs";
    }

    /**
     * Runs the remaining steps. Without a prior {@link #resume()} the directory must hold no checkpoint.
     * Returns true when all totalSteps are done, false after {@link #requestStop()}.
     */
    public boolean run() throws Exception {
        stopRequested = false;
        if (!resumed) {
            Optional<CheckpointDir.Entry> old = checkpoints.newest();
            if (old.isPresent())
                throw new IllegalStateException("Trainer.run: " + checkpoints.root + " already holds a checkpoint at step "
                        + old.get().state().step + "; call resume() to continue it or use an empty directory");
        }
        Files.createDirectories(checkpoints.root);
        Path csv = checkpoints.root.resolve(LOSSES);
        try (LossLog log = step == 0 ? LossLog.create(csv) : LossLog.resume(csv, step)) {
            Progress progress = new Progress(totalSteps, step, progressEvery, progressSeconds, progressOut, System::nanoTime);
            model.zeroGrad();
            optimizer.zeroGrad();
            while (step < totalSteps) {
                long s = step;
                double lr = schedule != null ? schedule.apply(optimizer, s) : optimizer.lr();
                Map<String, Double> losses;
                Map<String, Double> logged;
                // every tensor the step makes (activations, gradients, temporaries) is freed at its end and its
                // memory reused by the next step; parameters and optimizer state were made outside
                try (TensorScope scope = TensorScope.open()) {
                    losses = stepFn.step(s, stepRandom(seed, s));
                    if (losses == null) throw new IllegalStateException("Trainer: step function returned null at step " + s);
                    logged = new LinkedHashMap<>(losses);
                    if (clipNorm > 0) {
                        double norm = GradClip.clipGradNorm(model.parameters(), clipNorm);
                        if (!Double.isFinite(norm))
                            throw new IllegalStateException("Trainer: gradient norm " + norm + " at step " + s + " (losses " + losses + ")");
                        logged.put(GRAD_NORM, norm);
                    }
                    optimizer.step();
                    optimizer.zeroGrad();
                    model.zeroGrad();
                }
                step = s + 1;
                log.append(step, lr, logged);
                progress.update(step, losses, lr);
                if (step % checkpointEvery == 0 || step == totalSteps || stopRequested) saveCheckpoint();
                if (stopRequested && step < totalSteps) return false;
            }
        }
        return true;
    }

    /** Writes the checkpoint of the current step (weights, optimizer, then state) and prunes old ones. */
    public void saveCheckpoint() throws IOException {
        Path d = checkpoints.dirFor(step);
        Files.createDirectories(d);
        Path state = d.resolve(CheckpointDir.STATE);
        Files.deleteIfExists(state); // rewriting a step: it is incomplete until the new state lands
        Path m = d.resolve(CheckpointDir.MODEL), o = d.resolve(CheckpointDir.OPTIMIZER);
        Map<String, String> meta = Map.of("step", Long.toString(step));
        writeHook.before(m);
        Checkpoint.saveModel(m, model, meta);
        writeHook.before(o);
        Checkpoint.saveOptimizer(o, optimizer, meta);
        CheckpointDir.State st = new CheckpointDir.State();
        st.step = step;
        st.totalSteps = totalSteps;
        st.seed = seed;
        st.config = config;
        st.timestamp = Instant.now().toString();
        st.optimizer = optimizer.getClass().getSimpleName();
        writeHook.before(state);
        CheckpointDir.writeState(state, st);
        checkpoints.prune(keepLast);
    }
}
