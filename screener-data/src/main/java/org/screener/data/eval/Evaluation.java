package org.screener.data.eval;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * Voxel-level evaluation over many scans: per-scan metrics plus metrics pooled over all voxels of all scans.
 *
 * <p>Pooled metrics are exact (no score quantisation) and memory stays bounded: each scan's sorted score runs
 * ({@link ScanScores#emit}) are spilled to a temporary file (about 6 bytes per distinct score: the float, two
 * variable-length counts, plus 8 bytes for the region weight where lesion voxels sit), and {@link #pooled()}
 * merges the files k-way in decreasing score order through one {@link CurveSweep}. At most
 * {@value #MAX_OPEN} files are kept; more are first merged into one. A histogram of quantised scores would be
 * smaller, but it changes the values whenever two scores share a bin, and an exact external merge is cheap.
 *
 * <p>Optional sampling (the paper's protocol, method reference section 6.2): per scan up to
 * {@code maxPositives} lesion and {@code maxNegatives} normal voxels are drawn uniformly without replacement
 * (reservoir sampling; the generator is seeded from the seed and the case name, so a case's sample does not
 * depend on the other cases), and AUROC / partial AUROC are computed on the pooled sample.
 */
public final class Evaluation implements AutoCloseable {
    static final int MAX_OPEN = 64;

    /** Per-scan sampling for the paper's AUROC; {@link #paper} draws 1000 + 1000. */
    public record Sampling(int maxPositives, int maxNegatives, long seed) {
        public Sampling {
            if (maxPositives < 0 || maxNegatives < 0) throw new IllegalArgumentException("Sampling: counts must be >= 0: " + maxPositives + ", " + maxNegatives);
        }
        public static Sampling paper(long seed) { return new Sampling(1000, 1000, seed); }
    }

    /** Metrics of one case; {@code sampled} is null without sampling. */
    public record CaseResult(String name, Metrics full, Metrics sampled) {}

    private final double fprLimit;
    private final ConnectedComponents.Connectivity conn;
    private final Path tmpDir;
    private final Sampling sampling;
    private final List<Spill> spills = new ArrayList<>();
    private final List<CaseResult> cases = new ArrayList<>();
    private long negatives, positives, regions;
    private float[] sScores = new float[0];
    private boolean[] sLabels = new boolean[0];
    private int sCount;
    /** Voxels kept per scan for the bootstrap by default: every lesion voxel of a typical scan, and a sample of the normal ones. */
    public static final int BOOTSTRAP_LESION = 100_000, BOOTSTRAP_NORMAL = 20_000;
    /** Per-scan sample for {@link #bootstrapTable}; null when not asked for. */
    private BootstrapSample boot;

    private record Spill(Path file, long records) {}

    /**
     * @param tmpDir   folder for the spill files (null: the system temporary folder)
     * @param sampling null to skip sampled metrics
     */
    public Evaluation(double fprLimit, ConnectedComponents.Connectivity conn, Path tmpDir, Sampling sampling) {
        if (!(fprLimit > 0 && fprLimit <= 1)) throw new IllegalArgumentException("Evaluation: FPR limit must be in (0, 1], got " + fprLimit);
        this.fprLimit = fprLimit; this.conn = conn; this.tmpDir = tmpDir; this.sampling = sampling;
    }

    /** The paper's setting: FPR limit 0.3, 26-connected regions. */
    public static Evaluation paper(Path tmpDir, Sampling sampling) {
        return new Evaluation(0.3, ConnectedComponents.Connectivity.TWENTY_SIX, tmpDir, sampling);
    }

    public List<CaseResult> cases() { return List.copyOf(cases); }

    private static final class BootstrapSample {
        final int maxLesion, maxNormal;
        final long seed;
        final List<float[]> lesion = new ArrayList<>(), normal = new ArrayList<>();
        final List<Double> lesionWeight = new ArrayList<>(), normalWeight = new ArrayList<>();
        BootstrapSample(int maxLesion, int maxNormal, long seed) { this.maxLesion = maxLesion; this.maxNormal = maxNormal; this.seed = seed; }
    }

    /**
     * Keeps, from every scan added after this call, up to {@code maxLesion} lesion and {@code maxNormal} normal
     * voxels (uniform without replacement, seeded by {@code seed} and the case name) for {@link #bootstrapTable}:
     * about 4 bytes per kept voxel. Call before the first {@link #add}.
     */
    public Evaluation keepBootstrapSample(int maxLesion, int maxNormal, long seed) {
        if (maxLesion < 1 || maxNormal < 1)
            throw new IllegalArgumentException("Evaluation: bootstrap sample sizes must be >= 1, got " + maxLesion + ", " + maxNormal);
        if (!cases.isEmpty()) throw new IllegalStateException("Evaluation: ask for the bootstrap sample before adding scans");
        boot = new BootstrapSample(maxLesion, maxNormal, seed);
        return this;
    }

    /**
     * The scans' pairwise lesion-vs-normal counts for {@link ScanBootstrap#replicates}: a sample pools like the
     * full scan (each kept voxel weighted by voxels / kept), so the table's observed AUROC is close to
     * {@link #pooled()}'s (equal when nothing was left out). Scans without normal voxels are left out.
     */
    public ScanBootstrap.Table bootstrapTable() {
        if (boot == null) throw new IllegalStateException("Evaluation: no bootstrap sample kept; call keepBootstrapSample first");
        List<float[]> les = new ArrayList<>(), nor = new ArrayList<>();
        List<Double> lw = new ArrayList<>(), nw = new ArrayList<>();
        for (int i = 0; i < boot.lesion.size(); i++) {
            if (boot.normal.get(i).length == 0) continue;
            les.add(boot.lesion.get(i)); nor.add(boot.normal.get(i));
            lw.add(boot.lesionWeight.get(i)); nw.add(boot.normalWeight.get(i));
        }
        if (les.isEmpty()) throw new IllegalStateException("Evaluation: no scan with normal voxels to bootstrap");
        return ScanBootstrap.table(les, lw.stream().mapToDouble(Double::doubleValue).toArray(),
                nor, nw.stream().mapToDouble(Double::doubleValue).toArray());
    }

    /** Adds one scan. With {@code reuseScores} the score array is overwritten. */
    public CaseResult add(String name, float[] scores, boolean[] mask, int nx, int ny, int nz, boolean reuseScores) throws IOException {
        return add(name, scores, mask, null, nx, ny, nz, reuseScores);
    }

    /**
     * Adds one scan whose normal voxels count only inside {@code roi} (null: everywhere); lesion voxels always
     * count. See {@link ScanScores#of(float[], boolean[], boolean[], int, int, int, ConnectedComponents.Connectivity, boolean)}.
     */
    public CaseResult add(String name, float[] scores, boolean[] mask, boolean[] roi, int nx, int ny, int nz,
                          boolean reuseScores) throws IOException {
        if (scores.length != mask.length)
            throw new IllegalArgumentException("Evaluation: case " + name + ": score map has " + scores.length + " voxels, mask has " + mask.length);
        if (roi != null && roi.length != mask.length)
            throw new IllegalArgumentException("Evaluation: case " + name + ": region of interest has " + roi.length + " voxels, mask has " + mask.length);
        Metrics sampled = sampling == null ? null : sample(name, scores, mask, roi);
        if (boot != null) keepForBootstrap(name, scores, mask, roi);
        ScanScores s = ScanScores.of(scores, mask, roi, nx, ny, nz, conn, reuseScores);
        Metrics m = s.metrics(fprLimit);
        Path f = tmpDir == null ? Files.createTempFile("screener-eval-", ".runs") : Files.createTempFile(tmpDir, "screener-eval-", ".runs");
        long[] records = new long[1];
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(f), 1 << 16))) {
            try {
                s.emit((v, n, p, w) -> { write(out, v, n, p, w); records[0]++; });
            } catch (UncheckedIOException e) { throw e.getCause(); }
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(f);
            throw e;
        }
        spills.add(new Spill(f, records[0]));
        negatives += s.negatives(); positives += s.positives(); regions += s.regions();
        if (spills.size() >= MAX_OPEN) compact();
        CaseResult r = new CaseResult(name, m, sampled);
        cases.add(r);
        return r;
    }

    /** Metrics over all voxels of all scans added so far. */
    public Metrics pooled() throws IOException {
        CurveSweep sweep = new CurveSweep(negatives, positives, regions, fprLimit);
        merge(spills, sweep);
        return sweep.result();
    }

    /** AUROC and partial AUROC of the pooled sample (AUPRO and Dice of it are not meaningful); null without sampling. */
    public Metrics pooledSampled() {
        if (sampling == null) return null;
        return ScanScores.of(Arrays.copyOf(sScores, sCount), Arrays.copyOf(sLabels, sCount)).metrics(fprLimit);
    }

    /** The pooled sampled scores (for tests). */
    float[] sampleScores() { return Arrays.copyOf(sScores, sCount); }

    /** Mean over cases with lesion voxels of each case's best Dice (each case at its own best threshold); NaN if none. */
    public double meanCaseBestDice() {
        double sum = 0;
        int n = 0;
        for (CaseResult c : cases) if (!Double.isNaN(c.full().bestDice())) { sum += c.full().bestDice(); n++; }
        return n == 0 ? Double.NaN : sum / n;
    }

    @Override public void close() throws IOException {
        IOException first = null;
        for (Spill s : spills) {
            try { Files.deleteIfExists(s.file()); } catch (IOException e) { if (first == null) first = e; }
        }
        spills.clear();
        if (first != null) throw first;
    }

    private Metrics sample(String name, float[] scores, boolean[] mask, boolean[] roi) {
        Draw d = draw(scores, mask, roi, sampling.maxPositives(), sampling.maxNegatives(),
                new Random(sampling.seed() * 0x9E3779B97F4A7C15L + name.hashCode()));
        int kp = d.lesion.length, kn = d.normal.length;
        float[] v = new float[kp + kn];
        boolean[] l = new boolean[kp + kn];
        System.arraycopy(d.lesion, 0, v, 0, kp);
        System.arraycopy(d.normal, 0, v, kp, kn);
        Arrays.fill(l, 0, kp, true);
        if (sCount + v.length > sScores.length) {
            int cap = Math.max(sCount + v.length, 2 * sScores.length);
            sScores = Arrays.copyOf(sScores, cap); sLabels = Arrays.copyOf(sLabels, cap);
        }
        System.arraycopy(v, 0, sScores, sCount, v.length);
        System.arraycopy(l, 0, sLabels, sCount, v.length);
        sCount += v.length;
        return ScanScores.of(v, l).metrics(fprLimit);
    }

    private void keepForBootstrap(String name, float[] scores, boolean[] mask, boolean[] roi) {
        Draw d = draw(scores, mask, roi, boot.maxLesion, boot.maxNormal, new Random(boot.seed * 0x9E3779B97F4A7C15L + 31L * name.hashCode() + 17));
        boot.lesion.add(d.lesion);
        boot.normal.add(d.normal);
        boot.lesionWeight.add(d.lesion.length == 0 ? 1.0 : (double) d.seenLesion / d.lesion.length);
        boot.normalWeight.add(d.normal.length == 0 ? 1.0 : (double) d.seenNormal / d.normal.length);
    }

    /** A uniform sample without replacement of a scan's lesion voxels and of its normal voxels inside roi. */
    private record Draw(float[] lesion, float[] normal, long seenLesion, long seenNormal) {}

    private static Draw draw(float[] scores, boolean[] mask, boolean[] roi, int maxLesion, int maxNormal, Random rnd) {
        float[] ps = new float[maxLesion], ns = new float[maxNormal];
        long seenP = 0, seenN = 0;
        for (int i = 0; i < scores.length; i++) {
            if (mask[i]) seenP = reservoir(ps, seenP, scores[i], rnd);
            else if (roi == null || roi[i]) seenN = reservoir(ns, seenN, scores[i], rnd);
        }
        return new Draw(Arrays.copyOf(ps, (int) Math.min(seenP, maxLesion)), Arrays.copyOf(ns, (int) Math.min(seenN, maxNormal)), seenP, seenN);
    }

    /** Algorithm R: after the call, res holds a uniform sample without replacement of the first seen+1 items. */
    private static long reservoir(float[] res, long seen, float x, Random rnd) {
        if (seen < res.length) res[(int) seen] = x;
        else {
            long j = rnd.nextLong() >>> 1;
            j %= seen + 1; // modulo bias is < seen / 2^63, far below anything measurable
            if (j < res.length) res[(int) j] = x;
        }
        return seen + 1;
    }

    private void compact() throws IOException {
        Path f = tmpDir == null ? Files.createTempFile("screener-eval-", ".runs") : Files.createTempFile(tmpDir, "screener-eval-", ".runs");
        long[] records = new long[1];
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(f), 1 << 16))) {
            merge(spills, (v, n, p, w) -> { write(out, v, n, p, w); records[0]++; });
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(f);
            throw e;
        }
        close();
        spills.add(new Spill(f, records[0]));
    }

    private static final class Cursor {
        final DataInputStream in;
        long left;
        float value;
        long neg, pos;
        double w;
        Cursor(DataInputStream in, long records) { this.in = in; this.left = records; }
        boolean next() throws IOException {
            if (left == 0) return false;
            left--;
            value = in.readFloat(); neg = readVarLong(in); pos = readVarLong(in); w = pos > 0 ? in.readDouble() : 0;
            return true;
        }
    }

    private static void merge(List<Spill> files, RunSink sink) throws IOException {
        PriorityQueue<Cursor> q = new PriorityQueue<>(Math.max(1, files.size()), (a, b) -> Float.compare(b.value, a.value));
        List<Cursor> open = new ArrayList<>();
        try {
            for (Spill s : files) {
                Cursor c = new Cursor(new DataInputStream(new BufferedInputStream(Files.newInputStream(s.file()), 1 << 16)), s.records());
                open.add(c);
                if (c.next()) q.add(c);
            }
            List<Cursor> same = new ArrayList<>();
            while (!q.isEmpty()) {
                float v = q.peek().value;
                long n = 0, p = 0;
                double w = 0;
                while (!q.isEmpty() && q.peek().value == v) {
                    Cursor c = q.poll();
                    n += c.neg; p += c.pos; w += c.w;
                    same.add(c);
                }
                for (Cursor c : same) if (c.next()) q.add(c);
                same.clear();
                try {
                    sink.accept(v, n, p, w);
                } catch (UncheckedIOException e) { throw e.getCause(); }
            }
        } finally {
            for (Cursor c : open) c.in.close();
        }
    }

    private static void write(DataOutputStream out, float v, long n, long p, double w) {
        try {
            out.writeFloat(v);
            writeVarLong(out, n);
            writeVarLong(out, p);
            if (p > 0) out.writeDouble(w);
        } catch (IOException e) { throw new UncheckedIOException(e); }
    }

    private static void writeVarLong(DataOutputStream out, long x) throws IOException {
        while ((x & ~0x7FL) != 0) { out.writeByte((int) (x & 0x7F) | 0x80); x >>>= 7; }
        out.writeByte((int) x);
    }

    private static long readVarLong(DataInputStream in) throws IOException {
        long x = 0;
        for (int shift = 0; ; shift += 7) {
            int b = in.readUnsignedByte();
            x |= (long) (b & 0x7F) << shift;
            if ((b & 0x80) == 0) return x;
        }
    }
}
