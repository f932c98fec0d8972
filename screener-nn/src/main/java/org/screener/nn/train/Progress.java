package org.screener.nn.train;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * One-line progress reports: step/total, exponentially smoothed losses, lr, steps/s and ETA (h:mm:ss).
 * A line is printed every {@code everySteps} steps, when {@code everySeconds} have passed since the last
 * line, and at the last step.
 */
public final class Progress {
    /** Smoothing factor of the loss averages (bias-corrected, as Adam's moments). */
    static final double BETA = 0.9;

    private final long total, startStep;
    private final int everySteps;
    private final double everySeconds;
    private final PrintStream out;
    private final LongSupplier nanos;
    private final long startNanos;
    private long lastPrintNanos;
    private long seen;
    private final Map<String, Double> ema = new LinkedHashMap<>();

    /** {@code startStep}: steps already done when this session began (rate and ETA count only this session). */
    public Progress(long total, long startStep, int everySteps, double everySeconds, PrintStream out, LongSupplier nanos) {
        this.total = total;
        this.startStep = startStep;
        this.everySteps = everySteps;
        this.everySeconds = everySeconds;
        this.out = out;
        this.nanos = nanos;
        this.startNanos = lastPrintNanos = nanos.getAsLong();
    }

    /** Records the losses of the step that brought the count to {@code done}; prints a line when due. */
    public void update(long done, Map<String, Double> losses, double lr) {
        seen++;
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            double v = e.getValue();
            ema.merge(e.getKey(), (1 - BETA) * v, (old, x) -> BETA * old + x);
        }
        long now = nanos.getAsLong();
        boolean due = done == total || (everySteps > 0 && done % everySteps == 0)
                || (everySeconds > 0 && (now - lastPrintNanos) * 1e-9 >= everySeconds);
        if (!due || out == null) return;
        lastPrintNanos = now;
        double elapsed = (now - startNanos) * 1e-9;
        double rate = elapsed > 0 ? (done - startStep) / elapsed : Double.NaN;
        double correction = 1 - Math.pow(BETA, seen);
        Map<String, Double> smooth = new LinkedHashMap<>();
        for (Map.Entry<String, Double> e : ema.entrySet()) smooth.put(e.getKey(), e.getValue() / correction);
        out.println(line(done, total, smooth, lr, rate, rate > 0 ? (total - done) / rate : Double.NaN));
        out.flush();
    }

    /** {@code step 13/20 (65.0%) | loss 0.1234 | lr 1.000e-03 | 2.35 steps/s | ETA 0:00:03}. */
    public static String line(long done, long total, Map<String, Double> losses, double lr, double stepsPerSecond, double etaSeconds) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "step %d/%d (%.1f%%)", done, total, 100.0 * done / total));
        if (!losses.isEmpty()) {
            sb.append(" |");
            for (Map.Entry<String, Double> e : losses.entrySet())
                sb.append(' ').append(e.getKey()).append(' ').append(String.format(Locale.ROOT, "%.4g", e.getValue()));
        }
        sb.append(String.format(Locale.ROOT, " | lr %.3e | %.3g steps/s | ETA %s", lr, stepsPerSecond, formatEta(etaSeconds)));
        return sb.toString();
    }

    /** Seconds as h:mm:ss (hours unbounded); "?:??:??" when unknown. */
    public static String formatEta(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "?:??:??";
        long s = Math.round(seconds);
        return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }

    /** Inverse of {@link #formatEta}: seconds, or -1 for "?:??:??". */
    public static long parseEta(String eta) {
        if (eta.equals("?:??:??")) return -1;
        String[] p = eta.split(":");
        if (p.length != 3 || p[1].length() != 2 || p[2].length() != 2)
            throw new IllegalArgumentException("parseEta: '" + eta + "' is not h:mm:ss");
        long h = Long.parseLong(p[0]), m = Long.parseLong(p[1]), s = Long.parseLong(p[2]);
        if (m > 59 || s > 59 || h < 0) throw new IllegalArgumentException("parseEta: '" + eta + "' is not h:mm:ss");
        return h * 3600 + m * 60 + s;
    }
}
