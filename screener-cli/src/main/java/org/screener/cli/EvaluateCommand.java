package org.screener.cli;

import org.screener.data.Volume;
import org.screener.data.eval.ConnectedComponents;
import org.screener.data.eval.Evaluation;
import org.screener.data.eval.Metrics;
import org.screener.data.eval.ScanBootstrap;
import org.screener.data.io.Volumes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * Voxel-level metrics of anomaly maps against lesion masks, per case and pooled over all cases (the paper's
 * AUROC, AUROC@FPR0.3 and AUPRO@FPR0.3, plus the best Dice over thresholds).
 */
@Command(name = "evaluate", description = {
        "Voxel-level metrics of anomaly maps against lesion masks: AUROC, AUROC up to FPR 0.3 and AUPRO up to FPR 0.3 "
                + "(both divided by 0.3), best Dice over thresholds; per case and pooled over all voxels of all cases.",
        "Maps and masks are paired by file name (case_001.nii.gz with case_001.nii.gz; .nii and .nii.gz match). "
                + "A voxel is a lesion voxel where the mask is nonzero (or equals --label)."})
public final class EvaluateCommand implements Callable<Integer> {
    @Option(names = "--maps", required = true, paramLabel = "<dir>", description = "folder of anomaly maps (NIfTI; higher = more anomalous)")
    Path maps;

    @Option(names = "--masks", required = true, paramLabel = "<dir>", description = "folder of lesion masks (NIfTI)")
    Path masks;

    @Option(names = "--sampled", description = "also report the paper's sampled AUROC: up to 1000 lesion and 1000 normal voxels per case, pooled")
    boolean sampled;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the voxel sampling (default ${DEFAULT-VALUE})")
    long seed = 0;

    @Option(names = "--out", paramLabel = "<file.csv>", description = "write the table as CSV")
    Path out;

    @Option(names = "--label", paramLabel = "L", description = "lesion label in the masks (default: any nonzero value)")
    Double label;

    @Option(names = "--fpr-limit", paramLabel = "F", description = "FPR limit of the partial areas (default ${DEFAULT-VALUE})")
    double fprLimit = 0.3;

    @Option(names = "--connectivity", paramLabel = "6|18|26", description = "lesion regions for AUPRO (default ${DEFAULT-VALUE}, the 3D form of MVTec's 8-connectivity)")
    int connectivity = 26;

    @Option(names = "--bootstrap", paramLabel = "B", description = "print a 95%% interval of the pooled AUROC from B resamples of the cases "
            + "(with replacement; all lesion voxels up to 100,000 and 20,000 normal voxels kept per case; seed --seed); 0: off (default)")
    int bootstrap = 0;

    @Option(names = "--tmp", paramLabel = "<dir>", description = "folder for temporary sorted-score files (default: system temp)")
    Path tmp;

    @Spec CommandSpec spec;

    @Override public Integer call() throws IOException {
        PrintWriter o = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        ConnectedComponents.Connectivity conn = switch (connectivity) {
            case 6 -> ConnectedComponents.Connectivity.SIX;
            case 18 -> ConnectedComponents.Connectivity.EIGHTEEN;
            case 26 -> ConnectedComponents.Connectivity.TWENTY_SIX;
            default -> throw new IllegalArgumentException("--connectivity must be 6, 18 or 26, got " + connectivity);
        };
        if (!(fprLimit > 0 && fprLimit <= 1)) throw new IllegalArgumentException("--fpr-limit must be in (0, 1], got " + fprLimit);
        if (bootstrap < 0) throw new IllegalArgumentException("--bootstrap must be >= 0, got " + bootstrap);
        Map<String, Path> mapFiles = niftis(maps, "--maps"), maskFiles = niftis(masks, "--masks");
        List<String> noMask = new ArrayList<>(), noMap = new ArrayList<>();
        for (String k : mapFiles.keySet()) if (!maskFiles.containsKey(k)) noMask.add(mapFiles.get(k).getFileName().toString());
        for (String k : maskFiles.keySet()) if (!mapFiles.containsKey(k)) noMap.add(maskFiles.get(k).getFileName().toString());
        if (!noMask.isEmpty() || !noMap.isEmpty())
            throw new IllegalArgumentException("unmatched names: " + (noMask.isEmpty() ? "" : "maps without a mask in " + maps + ": " + names(noMask))
                    + (!noMask.isEmpty() && !noMap.isEmpty() ? "; " : "") + (noMap.isEmpty() ? "" : "masks without a map in " + masks + ": " + names(noMap)));

        List<Evaluation.CaseResult> rows = new ArrayList<>();
        Metrics pooled, pooledSampled;
        double meanDice;
        double[] ci = null;
        int n = mapFiles.size(), i = 0;
        try (Evaluation ev = new Evaluation(fprLimit, conn, tmp, sampled ? Evaluation.Sampling.paper(seed) : null)) {
            if (bootstrap > 0) ev.keepBootstrapSample(Evaluation.BOOTSTRAP_LESION, Evaluation.BOOTSTRAP_NORMAL, seed);
            for (Map.Entry<String, Path> e : mapFiles.entrySet()) {
                long t0 = System.nanoTime();
                Path mapFile = e.getValue(), maskFile = maskFiles.get(e.getKey());
                Volume map = Volumes.read(mapFile), mask = Volumes.read(maskFile);
                if (map.nx != mask.nx || map.ny != mask.ny || map.nz != mask.nz)
                    throw new IllegalArgumentException("shape mismatch: map " + mapFile + " is " + dims(map) + " but mask " + maskFile + " is " + dims(mask));
                if (!sameAffine(map, mask)) {
                    err.println("evaluate: warning: " + e.getKey() + ": map and mask have the same shape but different voxel-to-world affines (compared voxel by voxel anyway)");
                    err.flush();
                }
                boolean[] lesion = lesion(mask);
                mask = null;
                try {
                    rows.add(ev.add(e.getKey(), map.floats(), lesion, map.nx, map.ny, map.nz, true));
                } catch (IllegalArgumentException x) {
                    throw new IllegalArgumentException(mapFile + ": " + x.getMessage(), x);
                }
                i++;
                if (n > 1) {
                    err.printf(Locale.ROOT, "evaluate: [%d/%d] %s (%s, %.1f s)%n", i, n, e.getKey(), dims(map), (System.nanoTime() - t0) * 1e-9);
                    err.flush();
                }
            }
            pooled = ev.pooled();
            pooledSampled = ev.pooledSampled();
            meanDice = ev.meanCaseBestDice();
            if (bootstrap > 0) {
                ci = ScanBootstrap.interval(ScanBootstrap.replicates(List.of(ev.bootstrapTable()), bootstrap, seed), 0, 0.95);
            }
        }

        List<String> header = new ArrayList<>(List.of("case", "voxels", "lesion_voxels", "regions", "auroc", pct("auroc_fpr"), pct("aupro_fpr"), "best_dice", "dice_threshold"));
        if (sampled) { header.add("auroc_sampled"); header.add(pct("auroc_fpr") + "_sampled"); }
        print(o, header, table(rows, pooled, pooledSampled, meanDice, false));
        o.println("POOLED: over all voxels of all cases (one threshold sweep); MEAN: mean of the per-case values over cases"
                + " where they are defined; best_dice of MEAN: each case at its own best threshold. n/a: no lesion (or no normal) voxels.");
        if (sampled) o.println("*_sampled: up to 1000 lesion + 1000 normal voxels per case (seed " + seed + "), POOLED = the paper's AUROC protocol.");
        if (ci != null)
            o.printf(Locale.ROOT, "POOLED auroc 95%% interval over cases (%d bootstrap resamples, seed %d): %.4f .. %.4f%n", bootstrap, seed, ci[0], ci[1]);
        o.flush();
        if (out != null) {
            try (Writer w = Files.newBufferedWriter(out)) {
                w.write(String.join(",", header) + "\n");
                for (List<String> r : table(rows, pooled, pooledSampled, meanDice, true)) w.write(String.join(",", r.stream().map(EvaluateCommand::csv).toList()) + "\n");
            }
            o.println("wrote " + out);
            o.flush();
        }
        return 0;
    }

    private String pct(String name) { return name + String.format(Locale.ROOT, "%.2f", fprLimit).replace("0.", ""); }

    /** Cases, then POOLED and MEAN; 4 decimals for the screen, full precision for CSV. */
    private List<List<String>> table(List<Evaluation.CaseResult> rows, Metrics pooled, Metrics pooledSampled, double meanDice, boolean full) {
        List<List<String>> table = new ArrayList<>();
        for (Evaluation.CaseResult r : rows) table.add(row(r.name(), r.full(), r.sampled(), full));
        table.add(row("POOLED", pooled, pooledSampled, full));
        List<String> mean = new ArrayList<>(List.of("MEAN", "", "", ""));
        mean.add(num(mean(rows, c -> c.full().auroc()), full));
        mean.add(num(mean(rows, c -> c.full().partialAuroc()), full));
        mean.add(num(mean(rows, c -> c.full().aupro()), full));
        mean.add(num(meanDice, full));
        mean.add("");
        if (sampled) { mean.add(num(mean(rows, c -> c.sampled().auroc()), full)); mean.add(num(mean(rows, c -> c.sampled().partialAuroc()), full)); }
        table.add(mean);
        return table;
    }

    private List<String> row(String name, Metrics m, Metrics s, boolean full) {
        List<String> r = new ArrayList<>(List.of(name, Long.toString(m.negatives() + m.positives()), Long.toString(m.positives()),
                Long.toString(m.regions()), num(m.auroc(), full), num(m.partialAuroc(), full), num(m.aupro(), full), num(m.bestDice(), full),
                Double.isNaN(m.bestThreshold()) ? "n/a" : full ? Float.toString((float) m.bestThreshold()) : String.format(Locale.ROOT, "%.6g", m.bestThreshold())));
        if (sampled) { r.add(num(s.auroc(), full)); r.add(num(s.partialAuroc(), full)); }
        return r;
    }

    private static double mean(List<Evaluation.CaseResult> rows, ToDoubleFunction<Evaluation.CaseResult> f) {
        return rows.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).average().orElse(Double.NaN);
    }

    private static String num(double d, boolean full) {
        return Double.isNaN(d) ? "n/a" : full ? Double.toString(d) : String.format(Locale.ROOT, "%.4f", d);
    }

    private static String csv(String s) { return s.equals("n/a") ? "" : s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s; }

    private static void print(PrintWriter o, List<String> header, List<List<String>> table) {
        int[] w = new int[header.size()];
        for (int c = 0; c < w.length; c++) {
            w[c] = header.get(c).length();
            for (List<String> r : table) w[c] = Math.max(w[c], r.get(c).length());
        }
        line(o, header, w);
        for (int t = 0; t < table.size(); t++) {
            if (t == table.size() - 2) {
                StringBuilder sep = new StringBuilder();
                for (int c = 0; c < w.length; c++) sep.append(c == 0 ? "" : "  ").append("-".repeat(w[c]));
                o.println(sep);
            }
            line(o, table.get(t), w);
        }
    }

    private static void line(PrintWriter o, List<String> cells, int[] w) {
        StringBuilder sb = new StringBuilder();
        for (int c = 0; c < w.length; c++) {
            String s = cells.get(c);
            if (c > 0) sb.append("  ");
            sb.append(c == 0 ? s + " ".repeat(w[c] - s.length()) : " ".repeat(w[c] - s.length()) + s);
        }
        o.println(sb.toString().stripTrailing());
    }

    private boolean[] lesion(Volume mask) {
        boolean[] b = new boolean[(int) mask.size()];
        boolean any = label == null;
        double l = any ? 0 : label;
        short[] s = mask.shorts();
        if (s != null) {
            for (int i = 0; i < b.length; i++) b[i] = any ? s[i] != 0 : s[i] == l;
        } else {
            float[] f = mask.floats();
            for (int i = 0; i < b.length; i++) b[i] = any ? f[i] != 0 : f[i] == l;
        }
        return b;
    }

    /** NIfTI files of a folder by case name (file name without .nii / .nii.gz). */
    private static Map<String, Path> niftis(Path dir, String option) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException(option + " " + dir + ": not a folder");
        Map<String, Path> m = new TreeMap<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String f = p.getFileName().toString(), lower = f.toLowerCase(Locale.ROOT);
                String name = lower.endsWith(".nii.gz") ? f.substring(0, f.length() - 7) : lower.endsWith(".nii") ? f.substring(0, f.length() - 4) : null;
                if (name == null || !Files.isRegularFile(p)) continue;
                Path old = m.put(name, p);
                if (old != null) throw new IllegalArgumentException(option + " " + dir + ": both " + old.getFileName() + " and " + f + " are case " + name);
            }
        }
        if (m.isEmpty()) throw new IOException(option + " " + dir + ": no NIfTI files (.nii, .nii.gz)");
        return m;
    }

    private static String names(List<String> l) {
        return l.size() <= 10 ? String.join(", ", l) : String.join(", ", l.subList(0, 10)) + " and " + (l.size() - 10) + " more";
    }

    /** Affines equal up to a hundredth of the smallest voxel size. */
    private static boolean sameAffine(Volume a, Volume b) {
        double[][] x = a.affine(), y = b.affine();
        double[] sp = a.spacing();
        double tol = 0.01 * Math.min(sp[0], Math.min(sp[1], sp[2]));
        for (int r = 0; r < 3; r++) for (int c = 0; c < 4; c++) if (!(Math.abs(x[r][c] - y[r][c]) <= tol)) return false;
        return true;
    }

    private static String dims(Volume v) { return v.nx + "x" + v.ny + "x" + v.nz; }
}
