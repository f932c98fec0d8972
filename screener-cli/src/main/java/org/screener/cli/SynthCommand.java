package org.screener.cli;

import org.screener.core.cpu.Parallel;
import org.screener.data.synth.Cohort;
import org.screener.data.synth.LesionKind;
import org.screener.data.synth.SynthConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/** Write a synthetic CT cohort with lesion masks (NIfTI) and a manifest. */
@Command(name = "synth", description = "Write a synthetic CT cohort with lesion masks (NIfTI) and a manifest.")
public final class SynthCommand implements java.util.concurrent.Callable<Integer> {
    @Option(names = "--out", required = true, description = "Output directory (created).") Path out;
    @Option(names = "--cases", required = true, description = "Number of scans.") int cases;
    @Option(names = "--lesions", defaultValue = "all", description = "Lesion kinds: all, none or a comma-separated list of lung_nodule,liver_tumor,kidney_tumor,cyst,bleed,ggo (default: ${DEFAULT-VALUE}).") String lesions;
    @Option(names = "--seed", defaultValue = "0", description = "Cohort seed (default: ${DEFAULT-VALUE}).") long seed;
    @Option(names = "--train-lesion-prob", defaultValue = "0.1", description = "Probability that a training scan carries a lesion (default: ${DEFAULT-VALUE}).") double trainLesionProb;
    @Option(names = "--test-cases", description = "Number of test scans (the last ones; default: a third of --cases, at least 1).") Integer testCases;
    @Option(names = "--size", defaultValue = "medium", description = "small (96x80x48), medium (160x128x96, 2x2x2.5 mm) or NXxNYxNZ over the same 320x256x240 mm field of view (default: ${DEFAULT-VALUE}).") String size;
    @Option(names = "--threads", description = "Worker threads (default: all cores).") Integer threads;
    @Option(names = "--png", defaultValue = "all", description = "PNG montages for 'all' cases or the 'first' train and test case (default: ${DEFAULT-VALUE}).") String png;

    @Spec CommandSpec spec;

    @Override public Integer call() throws Exception {
        java.io.PrintWriter err = spec.commandLine().getErr();
        if (cases < 1) throw new IllegalArgumentException("--cases must be >= 1, got " + cases);
        if (!(trainLesionProb >= 0 && trainLesionProb <= 1)) throw new IllegalArgumentException("--train-lesion-prob must be in [0, 1], got " + trainLesionProb);
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (!png.equals("all") && !png.equals("first")) throw new IllegalArgumentException("--png must be 'all' or 'first', got '" + png + "'");
        List<LesionKind> kinds = LesionKind.parseList(lesions);
        SynthConfig cfg = SynthConfig.named(size);
        int nTest = testCases != null ? testCases : kinds.isEmpty() ? 0 : Cohort.defaultTestCases(cases);
        if (kinds.isEmpty() && trainLesionProb > 0 && testCases == null) trainLesionProb = 0;
        Cohort cohort = new Cohort(cfg, cases, nTest, kinds, seed, trainLesionProb);
        if (threads != null) Parallel.setThreads(threads);
        long t0 = System.nanoTime();
        err.printf(Locale.ROOT, "synth: %d cases (%d test) %dx%dx%d, threads %d -> %s%n", cases, nTest, cfg.nx, cfg.ny, cfg.nz, Parallel.threads(), out);
        cohort.write(out, png.equals("all"), done -> {
            double el = (System.nanoTime() - t0) / 1e9, per = el / done;
            err.printf(Locale.ROOT, "synth: %d/%d cases, %.2f s/case, elapsed %.1f s, ETA %.1f s%n", done, cases, per, el, per * (cases - done));
        });
        err.printf(Locale.ROOT, "synth: done in %.1f s; manifest %s%n", (System.nanoTime() - t0) / 1e9, out.resolve("manifest.csv"));
        return 0;
    }
}
