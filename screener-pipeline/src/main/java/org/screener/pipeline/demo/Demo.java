package org.screener.pipeline.demo;

import org.screener.core.Backend;
import org.screener.core.Tensor;
import org.screener.core.ops.Shapes;
import org.screener.core.ops.Spatial;
import org.screener.data.Volume;
import org.screener.data.eval.Evaluation;
import org.screener.data.eval.Metrics;
import org.screener.data.eval.ScanBootstrap;
import org.screener.data.eval.ScanScores;
import org.screener.data.io.Nifti;
import org.screener.data.io.Orientation;
import org.screener.data.io.Volumes;
import org.screener.data.preprocess.BodyMask;
import org.screener.data.preprocess.PreprocessConfig;
import org.screener.data.preprocess.Preprocessed;
import org.screener.data.preprocess.PreprocessedDataset;
import org.screener.data.preprocess.Preprocessor;
import org.screener.data.sampling.VolumeSource;
import org.screener.data.synth.Cohort;
import org.screener.data.synth.LesionKind;
import org.screener.data.synth.SynthConfig;
import org.screener.nn.infer.PatchFunction;
import org.screener.nn.infer.SlidingWindow;
import org.screener.nn.io.Checkpoint;
import org.screener.nn.unet.UNet3d;
import org.screener.nn.unet.UNet3dConfig;
import org.screener.pipeline.ConditionConfig;
import org.screener.pipeline.ConditionSource;
import org.screener.pipeline.ConditionStage;
import org.screener.pipeline.DensityConfig;
import org.screener.pipeline.DensityScorer;
import org.screener.pipeline.DensityStage;
import org.screener.pipeline.DensityTraining;
import org.screener.pipeline.DescriptorConfig;
import org.screener.pipeline.DescriptorStage;
import org.screener.pipeline.FeatureCache;
import org.screener.pipeline.ModelDir;
import org.screener.pipeline.Screener;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The end-to-end demo behind {@code screener demo}: a synthetic cohort, the three training stages of the
 * cpu-small preset on its training split, the six condition × density rows of the paper's Table 3 and a plain
 * intensity baseline scored on the held-out split, the paper's metrics, and {@code report.md} with figures.
 *
 * <pre>
 * out/cohort/                  images, masks, manifest.csv, train.csv (the training split only)
 * out/model/                   descriptor and condition stages (config.json, *.safetensors, checkpoints, cache)
 * out/models/&lt;condition&gt;-&lt;density&gt;/   one complete model dir per Table 3 row ({@code screener predict} takes it)
 * out/maps/&lt;row&gt;/case_XXX.nii.gz    anomaly maps of the test scans ({@code screener evaluate} takes them)
 * out/report.md, out/figures/  the report
 * </pre>
 * Rerunning on the same folder resumes: finished stages are kept, interrupted ones continue from their checkpoints.
 */
public final class Demo {
    /** One Table 3 row: a condition and a density kind. */
    public record Row(String condition, String density, String title) {
        public String id() { return condition + "-" + density; }
    }

    public static final List<Row> ROWS = List.of(
            new Row(DensityConfig.NONE, DensityConfig.GAUSSIAN, "None + Gaussian"),
            new Row(DensityConfig.SINCOS, DensityConfig.GAUSSIAN, "Sin-cos pos. + Gaussian"),
            new Row(DensityConfig.LEARNED, DensityConfig.GAUSSIAN, "Masking-invariant + Gaussian"),
            new Row(DensityConfig.NONE, DensityConfig.FLOW, "None + Norm. flow"),
            new Row(DensityConfig.SINCOS, DensityConfig.FLOW, "Sin-cos pos. + Norm. flow"),
            new Row(DensityConfig.LEARNED, DensityConfig.FLOW, "Masking-invariant + Norm. flow (Screener)"));
    static final String BASELINE = "intensity";
    /** Normal voxels per test scan sampled for the per-lesion-kind AUROC. */
    static final int KIND_NEGATIVES = 20_000;

    private final DemoConfig cfg;
    private final Path out;
    private final Backend be;
    private final PrintStream log;
    final Map<String, double[]> timings = new LinkedHashMap<>();   // name -> {seconds, steps per second or NaN}

    public Demo(DemoConfig cfg, Path out, Backend be, PrintStream log) {
        this.cfg = cfg.validate();
        this.out = out;
        this.be = be;
        this.log = log;
    }

    /** Everything, in order; returns the report's path. */
    public Path run() throws Exception {
        long t0 = System.nanoTime();
        Path cohortDir = out.resolve("cohort");
        Cohort cohort = synth(cohortDir);
        Path trainCsv = cohortDir.resolve("train.csv");
        ModelDir base = new ModelDir(out.resolve("model"));
        ModelDir.Config baseCfg = baseConfig();
        stage("descriptor", cfg.descriptorSteps, () -> DescriptorStage.run(base, trainCsv, baseCfg, be, log, true));
        stage("condition", cfg.conditionSteps, () -> ConditionStage.run(base, trainCsv, baseCfg, be, log, true));
        VolumeSource train = VolumeSource.of(PreprocessedDataset.of(trainCsv, baseCfg.preprocess, base.cache()));
        FeatureCache features = features(base, baseCfg, train);
        List<ModelDir> rowDirs = new ArrayList<>();
        for (Row r : ROWS) rowDirs.add(trainRow(base, baseCfg, r, train, features));
        Results res = score(cohort, cohortDir, baseCfg.preprocess, rowDirs);
        cranium(rowDirs.get(ROWS.size() - 1), res);
        timings.put("total (without the build)", new double[]{(System.nanoTime() - t0) / 1e9, Double.NaN});
        Path report = out.resolve("report.md");
        DemoReport.write(report, cfg, cohort, res, timings);
        log.printf(Locale.ROOT, "demo: done in %.0f s; report %s%n", (System.nanoTime() - t0) / 1e9, report);
        return report;
    }

    private Cohort synth(Path dir) throws IOException {
        Cohort cohort = new Cohort(SynthConfig.named(cfg.size), cfg.cases, cfg.testCases, LesionKind.parseList(cfg.lesions),
                cfg.seed, cfg.trainLesionProb);
        long t0 = System.nanoTime();
        if (!Files.isRegularFile(dir.resolve("train.csv"))) {
            log.printf(Locale.ROOT, "demo: synthetic cohort, %d scans (%d held out), %s grid -> %s%n", cfg.cases, cfg.testCases, cfg.size, dir);
            cohort.write(dir, false, done -> {});
            List<String> lines = new ArrayList<>(List.of("image,mask,split"));
            for (int i = 0; i < cfg.cases; i++)
                if (!cohort.isTest(i)) lines.add("images/" + cohort.name(i) + ".nii.gz,masks/" + cohort.name(i) + ".nii.gz,train");
            Files.write(dir.resolve("train.csv"), lines, StandardCharsets.UTF_8);   // last: its presence marks a complete cohort
        }
        timings.put("synthetic cohort", new double[]{(System.nanoTime() - t0) / 1e9, Double.NaN});
        return cohort;
    }

    ModelDir.Config baseConfig() {
        ModelDir.Config c = new ModelDir.Config();
        c.seed = cfg.seed;
        c.preprocess = PreprocessConfig.defaults();
        c.preprocess.targetSpacing = cfg.spacing.clone();
        c.descriptor = DescriptorConfig.cpuSmall();
        c.descriptor.unet = unet(cfg.unetChannels, 1, cfg.descriptorDim);
        c.descriptor.steps = cfg.descriptorSteps;
        c.descriptor.lr = cfg.sslLr;
        c.descriptor.expanderWidth = cfg.expanderWidth;
        c.descriptor.objective = DescriptorConfig.VICREG.equals(cfg.objective) ? null : cfg.objective;   // null: config.json as before
        c.descriptor.colorAugment = cfg.colorAugment;
        c.descriptor.minSpacing = scaled(cfg.spacing, 2.0 / 3);
        c.descriptor.maxSpacing = scaled(cfg.spacing, 4.0 / 3);
        c.condition = ConditionConfig.cpuSmall();
        c.condition.unet = unet(cfg.unetChannels, c.condition.unet.inChannels, c.condition.unet.outChannels);
        c.condition.steps = cfg.conditionSteps;
        c.condition.lr = cfg.sslLr;
        c.condition.expanderWidth = cfg.expanderWidth;
        c.condition.objective = c.descriptor.objective;
        c.condition.colorAugment = cfg.colorAugment;
        c.condition.minSpacing = scaled(cfg.spacing, 2.0 / 3);
        c.condition.maxSpacing = scaled(cfg.spacing, 8.0 / 3);
        c.data = out.resolve("cohort").resolve("train.csv").toAbsolutePath().toString();
        return c;
    }

    private static UNet3dConfig unet(int[] channels, int in, int out) {
        int[] blocks = new int[channels.length];
        java.util.Arrays.fill(blocks, 1);
        return new UNet3dConfig(in, channels, blocks, out);
    }

    private static double[] scaled(double[] s, double f) {
        return new double[]{s[0] * f, s[1] * f, s[2] * f};
    }

    private interface StageRun { DescriptorStage.Result run() throws Exception; }

    private void stage(String name, long steps, StageRun run) throws Exception {
        log.printf(Locale.ROOT, "demo: %s stage, %d steps%n", name, steps);
        DescriptorStage.Result r = run.run();
        if (!r.finished()) throw new IllegalStateException("demo: the " + name + " stage stopped before the end; rerun to resume");
        timings.put(name + " training (" + steps + " steps)", new double[]{r.seconds(), r.stepsPerSecond()});
    }

    /** The density config of a row; {@link #features} builds its cache from the same settings. */
    private DensityConfig densityConfig(Row row) {
        DensityConfig d = DensityConfig.cpuSmall();
        d.kind = row.density();
        d.condition = row.condition();
        d.steps = cfg.densitySteps;
        d.poolStride = cfg.poolStride.clone();
        d.cachedCrop = new int[]{10, 10, 16};   // 1600 positions per crop whatever the pooling: the cost of 32³ crops pooled 3 × 3 × 2
        d.lr = cfg.densityLr;
        d.noiseStd = cfg.densityNoise;
        return d;
    }

    /**
     * One pass of the descriptor and of every row's condition over the training scans, shared by the six density
     * trainings (each would otherwise redo it); null when every row is already trained.
     */
    private FeatureCache features(ModelDir base, ModelDir.Config baseCfg, VolumeSource train) throws Exception {
        boolean needed = false;
        for (Row r : ROWS) needed |= !Files.isRegularFile(out.resolve("models").resolve(r.id()).resolve(ModelDir.DENSITY));
        if (!needed) return null;
        long t0 = System.nanoTime();
        UNet3d unet = Checkpoint.loadUNet(base.descriptor());
        unet.to(be);
        List<ConditionSource> conds = new ArrayList<>();
        for (Row r : ROWS) conds.add(densityConfig(r).conditionSource(base, be));
        DensityConfig d = densityConfig(ROWS.get(0));
        log.printf(Locale.ROOT, "demo: descriptor and condition maps of the %d training scans%n", train.size());
        FeatureCache fc = FeatureCache.build(unet, conds, train, d.cropDHW(), d.poolDHW(), be, log);
        timings.put("feature maps of the training scans (shared by the densities)", new double[]{(System.nanoTime() - t0) / 1e9, Double.NaN});
        return fc;
    }

    private ModelDir trainRow(ModelDir base, ModelDir.Config baseCfg, Row row, VolumeSource train, FeatureCache features) throws Exception {
        ModelDir dir = new ModelDir(out.resolve("models").resolve(row.id()));
        Files.createDirectories(dir.root);
        for (Path p : new Path[]{base.descriptor(), base.condition()})
            Files.copy(p, dir.root.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        ModelDir.Config c = baseCfg.copy();
        c.density = densityConfig(row);
        stage("density " + row.id(), cfg.densitySteps, () -> DensityStage.run(dir, train, c, be, log, features));
        return dir;
    }

    /** Metrics of every row and of the baseline, pooled over the test scans. */
    static final class Results {
        final List<String> names = new ArrayList<>(), titles = new ArrayList<>();
        final Map<String, Metrics> pooled = new LinkedHashMap<>(), sampled = new LinkedHashMap<>();
        final Map<String, Double> meanCaseDice = new LinkedHashMap<>();
        /** name -> lesion kind -> AUROC of that kind's voxels against sampled normal voxels. */
        final Map<String, Map<LesionKind, Double>> byKind = new LinkedHashMap<>();
        final Map<LesionKind, Long> kindVoxels = new LinkedHashMap<>();
        final List<String> figures = new ArrayList<>();
        /** boot[b][m]: method m's pooled voxel AUROC on scan resample b ({@link ScanBootstrap}, paired across methods). */
        double[][] boot;
        long testVoxels, lesionVoxels, bodyVoxels;
        int testScans;
        double secondsPerScan;
        IntensityBaseline baseline;
        /** The real head CT check: the file, and its results or why there are none. */
        String craniumFile, craniumSkipped;
        final List<CraniumCheck.Result> cranium = new ArrayList<>();
    }

    /** The Screener row and the intensity baselines on the real head CT, if the file is there (the cranium check). */
    private void cranium(ModelDir screenerRow, Results res) throws Exception {
        if (cfg.cranium == null) { res.craniumSkipped = "not asked for (--no-cranium)"; return; }
        Path file = Path.of(cfg.cranium).toAbsolutePath().normalize();
        res.craniumFile = file.toString();
        if (!Files.exists(file)) {
            res.craniumSkipped = "not found at " + file;
            log.println("demo: real head CT " + res.craniumSkipped + "; its check is skipped");
            return;
        }
        try {
            craniumCheck(screenerRow, res, file);
        } catch (IOException | IllegalArgumentException e) {   // a bad or different scan must not cost the finished report
            res.cranium.clear();
            res.craniumSkipped = "could not be checked: " + e.getMessage();
            log.println("demo: real head CT " + res.craniumSkipped);
        }
    }

    private void craniumCheck(ModelDir screenerRow, Results res, Path file) throws IOException {
        long t0 = System.nanoTime();
        log.println("demo: scoring the real head CT " + file);
        Volume scan = Volumes.read(file);
        float[] map = Screener.load(screenerRow.root, be).overlap(cfg.overlap).score(scan).floats();
        boolean[] brain = CraniumCheck.brain(scan), box = CraniumCheck.box(scan);
        List<float[]> maps = List.of(map, res.baseline.score(scan), CraniumCheck.ownIntensityBaseline(scan));
        List<String> titles = List.of(ROWS.get(ROWS.size() - 1).title() + ", trained on the cohort",
                "Intensity baseline (the cohort's HU histogram)", "Intensity baseline (the head's own HU histogram)");
        List<String> captions = List.of("Screener (cohort-trained)", "intensity (cohort HU)", "intensity (own HU)");   // fit a panel
        for (int m = 0; m < maps.size(); m++) res.cranium.add(CraniumCheck.measure(titles.get(m), maps.get(m), brain, box));
        Path map0 = out.resolve("maps").resolve("cranium").resolve("learned-flow.nii.gz");
        Files.createDirectories(map0.getParent());
        Nifti.write(scan.withFloats(map), map0);
        int k = Math.min(scan.nz - 1, CraniumCheck.BOX_SLICE);
        ImageIO.write(DemoFigure.render(scan, box, BodyMask.of(scan, -500), maps, captions, k, "README box outlined"), "png",
                out.resolve("figures").resolve("cranium.png").toFile());
        timings.put("real head CT: score and check", new double[]{(System.nanoTime() - t0) / 1e9, Double.NaN});
    }

    private Results score(Cohort cohort, Path cohortDir, PreprocessConfig pre, List<ModelDir> rowDirs) throws Exception {
        long t0 = System.nanoTime();
        // one descriptor pass per window feeds all six densities
        List<DensityScorer> scorers = new ArrayList<>();
        for (ModelDir d : rowDirs) scorers.add(DensityScorer.load(d, be));
        UNet3d descriptor = scorers.get(0).descriptor();
        int[] stride = scorers.get(0).poolDHW();
        int[] patch = rowDirs.get(0).readConfig().density.cropDHW();   // the window is the density's training crop

        IntensityBaseline baseline = new IntensityBaseline();
        Results res = new Results();
        res.baseline = baseline;
        for (int i = 0; i < cfg.cases; i++)
            if (!cohort.isTest(i)) {
                Volume v = Volumes.read(cohortDir.resolve("images/" + cohort.name(i) + ".nii.gz"));
                baseline.add(v, BodyMask.of(v, -500));
            }

        res.names.add(BASELINE);
        res.titles.add("Intensity baseline (−log p(HU))");
        for (Row r : ROWS) { res.names.add(r.id()); res.titles.add(r.title()); }
        int nm = res.names.size();
        Path tmp = Files.createDirectories(out.resolve("tmp"));
        List<Evaluation> evals = new ArrayList<>();
        for (int m = 0; m < nm; m++)
            evals.add(Evaluation.paper(tmp, Evaluation.Sampling.paper(cfg.seed)).keepBootstrapSample(Evaluation.BOOTSTRAP_LESION, KIND_NEGATIVES, cfg.seed));
        // per-kind AUROC: all lesion voxels, plus the same sampled normal voxels for every method
        List<List<float[]>> kindScores = new ArrayList<>();
        List<int[]> kindLabels = new ArrayList<>();
        for (int m = 0; m < nm; m++) kindScores.add(new ArrayList<>());
        Files.createDirectories(out.resolve("figures"));
        try {
            int done = 0;
            for (int i = 0; i < cfg.cases; i++) {
                if (!cohort.isTest(i)) continue;
                String name = cohort.name(i);
                long tc = System.nanoTime();
                Volume scan = Volumes.read(cohortDir.resolve("images/" + name + ".nii.gz"));
                Volume labels = Volumes.read(cohortDir.resolve("masks/" + name + ".nii.gz"));
                Volume canon = Orientation.toCanonical(scan);
                Preprocessed p = Preprocessor.run(canon, null, pre);
                Volume img = p.image();
                int[] dhw = {img.nz, img.ny, img.nx};
                int[] windows = new int[1];
                SlidingWindow.Options o = new SlidingWindow.Options().patch(patch[0], patch[1], patch[2]).overlap(cfg.overlap)
                        .backend(be).progress((d, total) -> windows[0] = total);
                SlidingWindow.Result sw = SlidingWindow.run(img.floats(), dhw, allRows(descriptor, scorers, stride, dhw), o);
                int nv = dhw[0] * dhw[1] * dhw[2];
                List<float[]> maps = new ArrayList<>();
                maps.add(baseline.score(scan));
                for (int r = 0; r < ROWS.size(); r++)
                    maps.add(Screener.toScan(Arrays.copyOfRange(sw.data(), r * nv, (r + 1) * nv), p, canon, scan).floats());

                float[] lab = labels.floats();
                boolean[] mask = new boolean[lab.length];
                int[] kindOf = new int[lab.length];
                for (int v = 0; v < lab.length; v++) { mask[v] = lab[v] > 0; kindOf[v] = Math.round(lab[v]); }
                boolean[] body = BodyMask.of(scan, -500);
                int[] picked = kindSample(mask, body, kindOf, new Random(cfg.seed * 31 + i));
                int[] pickedLabels = new int[picked.length];
                for (int q = 0; q < picked.length; q++) pickedLabels[q] = kindOf[picked[q]];
                kindLabels.add(pickedLabels);
                for (int v = 0; v < lab.length; v++) {
                    res.testVoxels++;
                    if (mask[v]) {
                        res.lesionVoxels++;
                        res.kindVoxels.merge(LesionKind.ofLabel(kindOf[v]), 1L, Long::sum);
                    }
                    if (body[v]) res.bodyVoxels++;
                }
                for (int m = 0; m < nm; m++) {
                    float[] map = maps.get(m);
                    float[] s = new float[picked.length];
                    for (int q = 0; q < picked.length; q++) s[q] = map[picked[q]];
                    kindScores.get(m).add(s);
                    Path mp = out.resolve("maps").resolve(res.names.get(m)).resolve(name + ".nii.gz");
                    Files.createDirectories(mp.getParent());
                    Nifti.write(scan.withFloats(map), mp);
                }
                boolean[] cMask = canon == scan ? mask : toCanonical(scan, mask);
                boolean[] cBody = canon == scan ? body : toCanonical(scan, body);
                List<float[]> cMaps = new ArrayList<>();
                for (float[] m : maps) cMaps.add(canon == scan ? m : Orientation.toCanonical(scan.withFloats(m)).floats());
                int k = DemoFigure.lesionSlice(cMask, canon.nx, canon.ny, canon.nz);
                Path fig = out.resolve("figures").resolve(name + ".png");
                ImageIO.write(DemoFigure.render(canon, cMask, cBody, cMaps, res.titles, k), "png", fig.toFile());
                res.figures.add(name);
                for (int m = 0; m < nm; m++) evals.get(m).add(name, maps.get(m), mask, body, scan.nx, scan.ny, scan.nz, true);
                done++;
                double el = (System.nanoTime() - t0) / 1e9;
                log.printf(Locale.ROOT, "demo: scored %s (%d/%d, %.1f s, %d windows), ETA %.0f s%n", name, done, cfg.testCases,
                        (System.nanoTime() - tc) / 1e9, windows[0], el / done * (cfg.testCases - done));
            }
            res.testScans = done;
            for (int m = 0; m < nm; m++) {
                String n = res.names.get(m);
                res.pooled.put(n, evals.get(m).pooled());
                res.sampled.put(n, evals.get(m).pooledSampled());
                res.meanCaseDice.put(n, evals.get(m).meanCaseBestDice());
                res.byKind.put(n, kindAurocs(kindScores.get(m), kindLabels));
            }
            List<ScanBootstrap.Table> tables = new ArrayList<>();
            for (Evaluation e : evals) tables.add(e.bootstrapTable());
            res.boot = ScanBootstrap.replicates(tables, BOOTSTRAP_RESAMPLES, cfg.seed);
        } finally {
            for (Evaluation e : evals) e.close();
            try (var s = Files.list(tmp)) {
                if (s.findAny().isEmpty()) Files.delete(tmp);
            }
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        res.secondsPerScan = sec / Math.max(1, res.testScans);
        timings.put("scoring " + res.testScans + " test scans (6 rows + baseline, maps, figures, metrics)", new double[]{sec, Double.NaN});
        return res;
    }

    private static boolean[] toCanonical(Volume scan, boolean[] m) {
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) f[i] = m[i] ? 1 : 0;
        float[] c = Orientation.toCanonical(scan.withFloats(f)).floats();
        boolean[] out = new boolean[c.length];
        for (int i = 0; i < c.length; i++) out[i] = c[i] > 0.5f;
        return out;
    }

    /**
     * The patch function scoring all rows at once: the descriptor UNet runs once per window, each condition
     * once, then each row's density; output channel r is row r's NLL at full patch resolution.
     */
    static PatchFunction allRows(UNet3d descriptor, List<DensityScorer> scorers, int[] stride, int[] scanDHW) {
        return (patches, offsets) -> {
            int[][] dims = new int[offsets.length][];
            Arrays.fill(dims, scanDHW);
            int[] full = {patches.dim(2), patches.dim(3), patches.dim(4)};
            Tensor y = DensityTraining.pool(descriptor.forward(patches), stride);
            Map<String, Tensor> conds = new LinkedHashMap<>();
            Tensor[] outs = new Tensor[scorers.size()];
            for (int r = 0; r < scorers.size(); r++) {
                ConditionSource cs = scorers.get(r).condition();
                Tensor c = cs.channels() == 0 ? null
                        : conds.computeIfAbsent(cs.name(), n -> DensityTraining.pool(cs.condition(patches, offsets, dims), stride));
                Tensor nll = scorers.get(r).density().nll(y, c);
                int[] s = nll.shape();
                outs[r] = Spatial.upsampleTrilinear(Shapes.reshape(nll, s[0], 1, s[1], s[2], s[3]), full);
            }
            return Shapes.concat(1, outs);
        };
    }

    /** Indices of every lesion voxel and of up to {@link #KIND_NEGATIVES} random normal voxels of the body. */
    static int[] kindSample(boolean[] mask, boolean[] body, int[] kindOf, Random rnd) {
        int nPos = 0;
        for (boolean b : mask) if (b) nPos++;
        int[] neg = new int[KIND_NEGATIVES];
        long seen = 0;
        for (int v = 0; v < mask.length; v++) {
            if (mask[v] || !body[v]) continue;
            if (seen < neg.length) neg[(int) seen] = v;
            else {
                long j = (rnd.nextLong() >>> 1) % (seen + 1);
                if (j < neg.length) neg[(int) j] = v;
            }
            seen++;
        }
        int kn = (int) Math.min(seen, neg.length);
        int[] out = new int[nPos + kn];
        int w = 0;
        for (int v = 0; v < mask.length; v++) if (mask[v]) out[w++] = v;
        System.arraycopy(neg, 0, out, w, kn);
        return out;
    }

    /** Scan resamples for the report's intervals. */
    static final int BOOTSTRAP_RESAMPLES = 2000;

    private static Map<LesionKind, Double> kindAurocs(List<float[]> scores, List<int[]> labels) {
        Map<LesionKind, Double> out = new LinkedHashMap<>();
        for (LesionKind kind : LesionKind.values()) {
            List<Float> s = new ArrayList<>();
            List<Boolean> pos = new ArrayList<>();
            boolean any = false;
            for (int c = 0; c < scores.size(); c++) {
                float[] sc = scores.get(c);
                int[] lb = labels.get(c);
                for (int q = 0; q < sc.length; q++) {
                    if (lb[q] != 0 && lb[q] != kind.label) continue;
                    s.add(sc[q]);
                    pos.add(lb[q] == kind.label);
                    any |= lb[q] == kind.label;
                }
            }
            if (!any) continue;
            float[] sa = new float[s.size()];
            boolean[] pa = new boolean[s.size()];
            for (int q = 0; q < sa.length; q++) { sa[q] = s.get(q); pa[q] = pos.get(q); }
            out.put(kind, ScanScores.of(sa, pa).metrics(0.3).auroc());
        }
        return out;
    }
}
