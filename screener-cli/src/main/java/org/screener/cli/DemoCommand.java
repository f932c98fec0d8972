package org.screener.cli;

import org.screener.core.Backends;
import org.screener.core.cpu.Parallel;
import org.screener.pipeline.demo.Demo;
import org.screener.pipeline.demo.DemoConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** The end-to-end demo: synthetic cohort, three stages, the Table 3 rows, evaluation, report.md. */
@Command(name = "demo", description = {
        "End to end on a synthetic CT cohort: trains the descriptor, the masking-invariant condition and the six",
        "condition x density models of the paper's Table 3 (cpu-small preset) on the training split, scores the held-out",
        "scans with them and with a plain intensity baseline, and writes <out>/report.md with metrics, timings and figures.",
        "Rerun with the same --out to resume."})
public final class DemoCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "demo", paramLabel = "<dir>", description = "output folder (default: ${DEFAULT-VALUE})")
    Path out;
    @Option(names = "--seed", defaultValue = "0", description = "seed of the cohort, the initialisation and the sampling (default: ${DEFAULT-VALUE})")
    long seed;
    @Option(names = "--cases", paramLabel = "N", description = "scans in the cohort (default: 36)")
    Integer cases;
    @Option(names = "--test-cases", paramLabel = "N", description = "held-out scans (default: 24; two thirds of --cases when only that is given)")
    Integer testCases;
    @Option(names = "--size", paramLabel = "S", description = "synthetic grid: tiny, small or medium (default: medium)")
    String size;
    @Option(names = "--spacing", paramLabel = "X,Y,Z", split = ",", description = "preprocessing grid in mm (default: 3,3,4.5)")
    double[] spacing;
    @Option(names = "--descriptor-steps", paramLabel = "N", description = "descriptor UNet steps (default: 500)") Long descriptorSteps;
    @Option(names = "--condition-steps", paramLabel = "N", description = "condition UNet steps (default: 250)") Long conditionSteps;
    @Option(names = "--density-steps", paramLabel = "N", description = "steps of each of the six density models") Long densitySteps;
    @Option(names = "--ssl-lr", paramLabel = "LR", description = "peak learning rate of the descriptor and condition UNets (default: 1e-3)") Double sslLr;
    @Option(names = "--objective", paramLabel = "NAME", description = "SSL objective of the descriptor and condition UNets: infonce (default) or vicreg (the paper's)") String objective;
    @Option(names = "--overlap", paramLabel = "F", description = "sliding-window overlap when scoring the held-out scans (default: 0.5)") Double overlap;
    @Option(names = "--density-noise", paramLabel = "SIGMA", description = "σ of the noise on the pooled descriptors and conditions in density training (default: 0.02; the paper: 0.1)") Double densityNoise;
    @Option(names = "--density-lr", paramLabel = "LR", description = "peak learning rate of the density models (default: 3e-3)") Double densityLr;
    @Option(names = "--pool", paramLabel = "X,Y,Z", split = ",", description = "average pooling before the density (default: 1,1,1; the paper: 3,3,2 on a grid twice as fine)") int[] pool;
    @Option(names = "--descriptor-dim", paramLabel = "D", description = "descriptor dimension (default: 8; the paper: 32)") Integer descriptorDim;
    @Option(names = "--unet-channels", paramLabel = "C1,C2,..", split = ",", description = "channels per level of both UNets (default: 12,24,48; the cpu-small preset: 8,16,32)") int[] unetChannels;
    @Option(names = "--expander", paramLabel = "W", description = "VICReg expander / InfoNCE projector width (default: 256)") Integer expander;
    @Option(names = "--no-color-augment", description = "no brightness/contrast/gamma/noise/blur augmentation of the SSL crops") boolean noColor;
    @Option(names = "--cranium", paramLabel = "<file>", description = "real head CT to check with the Screener row (default: ../shared/data/ct/cranium_ct.nii.gz; skipped with a note if missing)") Path cranium;
    @Option(names = "--no-cranium", description = "skip the real head CT check") boolean noCranium;
    @Option(names = "--threads", description = "compute threads (default: all cores)") Integer threads;

    @Spec CommandSpec spec;

    @Override public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        DemoConfig c = new DemoConfig();
        c.seed = seed;
        if (cases != null) c.cases = cases;
        if (testCases != null) c.testCases = testCases;
        else if (cases != null) c.testCases = Math.max(1, cases * 2 / 3);
        if (size != null) c.size = size;
        if (spacing != null) c.spacing = spacing;
        if (descriptorSteps != null) c.descriptorSteps = descriptorSteps;
        if (conditionSteps != null) c.conditionSteps = conditionSteps;
        if (densitySteps != null) c.densitySteps = densitySteps;
        if (sslLr != null) c.sslLr = sslLr;
        if (densityLr != null) c.densityLr = densityLr;
        if (densityNoise != null) c.densityNoise = densityNoise;
        if (objective != null) c.objective = objective;
        if (overlap != null) c.overlap = overlap;
        if (expander != null) c.expanderWidth = expander;
        if (descriptorDim != null) c.descriptorDim = descriptorDim;
        if (unetChannels != null) c.unetChannels = unetChannels;
        if (noColor) c.colorAugment = false;
        if (pool != null) c.poolStride = pool;
        if (cranium != null) {
            if (!Files.isRegularFile(cranium)) throw new IllegalArgumentException("--cranium " + cranium + " is not a file");
            c.cranium = cranium.toString();
        }
        if (noCranium) c.cranium = null;
        if (threads != null && threads < 1) throw new IllegalArgumentException("--threads must be >= 1, got " + threads);
        if (Files.exists(out) && !Files.isDirectory(out)) throw new IllegalArgumentException("--out " + out + " is not a directory");
        c.validate();
        if (threads != null) Parallel.setThreads(threads);
        Files.createDirectories(out);
        PrintStream log = new PrintStream(TrainCommand.lines(err), true, StandardCharsets.UTF_8);
        new Demo(c, out, Backends.getDefault(), log).run();
        return 0;
    }
}
