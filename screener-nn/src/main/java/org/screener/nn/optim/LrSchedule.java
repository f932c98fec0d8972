package org.screener.nn.optim;

/** Learning rate as a function of the step index (0-based: the lr used for the step-th update). */
public interface LrSchedule {
    double lr(long step);

    /** Sets the optimizer's lr for the given step and returns it. */
    default double apply(Optimizer opt, long step) {
        double v = lr(step);
        opt.setLr(v);
        return v;
    }

    /**
     * Linear warm-up from 0 to peak over warmupSteps, then cosine decay from peak to finalLr at totalSteps
     * (held at finalLr afterwards). Step s in warm-up gets peak·s/warmupSteps.
     */
    static LrSchedule warmupCosine(double peak, long warmupSteps, long totalSteps, double finalLr) {
        if (warmupSteps < 0 || totalSteps <= warmupSteps)
            throw new IllegalArgumentException("warmupCosine: warm-up " + warmupSteps + " must be below total " + totalSteps);
        return s -> {
            if (s < warmupSteps) return peak * s / warmupSteps;
            if (s >= totalSteps) return finalLr;
            double t = (double) (s - warmupSteps) / (totalSteps - warmupSteps);
            return finalLr + 0.5 * (peak - finalLr) * (1 + Math.cos(Math.PI * t));
        };
    }

    /**
     * One-cycle policy as PyTorch's OneCycleLR with cosine annealing: from peak/divFactor up to peak at step
     * pctStart·total − 1 (cosine warm-up), then down to peak/(divFactor·finalDivFactor) at step total − 1.
     */
    static LrSchedule oneCycle(double peak, long totalSteps, double pctStart, double divFactor, double finalDivFactor) {
        if (totalSteps < 2 || !(pctStart > 0 && pctStart < 1))
            throw new IllegalArgumentException("oneCycle: total " + totalSteps + " steps, pctStart " + pctStart);
        double initial = peak / divFactor, min = initial / finalDivFactor;
        double upEnd = pctStart * totalSteps - 1, downEnd = totalSteps - 1;
        return s -> {
            double x = Math.min(s, totalSteps - 1);
            if (x <= upEnd) return cosAnneal(initial, peak, upEnd <= 0 ? 1 : x / upEnd);
            return cosAnneal(peak, min, (x - upEnd) / (downEnd - upEnd));
        };
    }

    static LrSchedule oneCycle(double peak, long totalSteps) { return oneCycle(peak, totalSteps, 0.3, 25, 1e4); }

    private static double cosAnneal(double from, double to, double pct) { return to + (from - to) / 2 * (1 + Math.cos(Math.PI * pct)); }
}
