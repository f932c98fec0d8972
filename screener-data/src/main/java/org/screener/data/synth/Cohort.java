package org.screener.data.synth;

import org.screener.data.Volume;
import org.screener.data.io.Nifti;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.IntConsumer;

/**
 * A synthetic cohort: the first {@code cases - testCases} scans are training scans (healthy, except that each
 * carries one lesion with probability {@code trainLesionProb}, as unlabeled real data does), the rest are test
 * scans with 1 to 3 lesions each. Case i's anatomy depends only on (seed, i).
 *
 * <p>Writes {@code images/case_XXX.nii.gz} (int16 HU), {@code masks/case_XXX.nii.gz} (int16 labels, see
 * {@link LesionKind#label}), {@code png/case_XXX.png}, {@code manifest.csv} (image,mask,split,lesions; lesions
 * as kind=count separated by ';') and {@code lesions.csv} (one row per lesion).
 */
public final class Cohort {
    public final SynthConfig config;
    public final int cases, testCases;
    public final List<LesionKind> kinds;
    public final long seed;
    public final double trainLesionProb;

    public Cohort(SynthConfig config, int cases, int testCases, List<LesionKind> kinds, long seed, double trainLesionProb) {
        if (cases < 1) throw new IllegalArgumentException("synth: cases must be >= 1, got " + cases);
        if (testCases < 0 || testCases > cases) throw new IllegalArgumentException("synth: test cases must be in 0.." + cases + ", got " + testCases);
        if (!(trainLesionProb >= 0 && trainLesionProb <= 1)) throw new IllegalArgumentException("synth: train lesion probability must be in [0, 1], got " + trainLesionProb);
        if (kinds.isEmpty() && (testCases > 0 || trainLesionProb > 0))
            throw new IllegalArgumentException("synth: no lesion kinds given but test cases or training lesions requested");
        this.config = config; this.cases = cases; this.testCases = testCases; this.kinds = List.copyOf(kinds);
        this.seed = seed; this.trainLesionProb = trainLesionProb;
    }

    /** Default split: a third of the cases (at least one) are test cases. */
    public static int defaultTestCases(int cases) { return Math.max(1, Math.round(cases / 3f)); }

    public String name(int i) { return String.format(Locale.ROOT, "case_%03d", i); }
    public boolean isTest(int i) { return i >= cases - testCases; }
    public long caseSeed(int i) { return Phantom.mix(seed * 0x9E3779B97F4A7C15L + i); }

    /**
     * The lesion kinds case i gets (drawn from (seed, i) only). A test case's first lesion cycles through the
     * kinds (test case t gets kind t mod K), so every kind is in the test split once it has K cases; its other
     * lesions are drawn at random.
     */
    public List<LesionKind> lesionPlan(int i) {
        Random r = new Random(caseSeed(i) ^ 0x3C6EF372FE94F82BL);
        List<LesionKind> plan = new ArrayList<>();
        if (kinds.isEmpty()) return plan;
        int count = isTest(i) ? 1 + r.nextInt(3) : (r.nextDouble() < trainLesionProb ? 1 : 0);
        for (int c = 0; c < count; c++) plan.add(kinds.get(r.nextInt(kinds.size())));
        if (isTest(i)) plan.set(0, kinds.get((i - (cases - testCases)) % kinds.size()));
        return plan;
    }

    public SynthCase generate(int i) { return Phantom.generate(config, caseSeed(i), lesionPlan(i), false); }

    /** Writes all cases and the manifests; onCaseDone gets the number of finished cases. Returns per-case lesions. */
    public List<List<Lesion>> write(Path out, boolean pngForAll, IntConsumer onCaseDone) throws IOException {
        Files.createDirectories(out.resolve("images"));
        Files.createDirectories(out.resolve("masks"));
        Files.createDirectories(out.resolve("png"));
        List<List<Lesion>> all = new ArrayList<>();
        try (PrintWriter man = new PrintWriter(Files.newBufferedWriter(out.resolve("manifest.csv"), StandardCharsets.UTF_8));
             PrintWriter les = new PrintWriter(Files.newBufferedWriter(out.resolve("lesions.csv"), StandardCharsets.UTF_8))) {
            man.println("image,mask,split,lesions");
            les.println("case,kind,label,diameter_mm,center_x_mm,center_y_mm,center_z_mm,target_hu,host_hu,threshold_hu,voxels");
            for (int i = 0; i < cases; i++) {
                SynthCase c = generate(i);
                String nm = name(i);
                Nifti.write(c.image, out.resolve("images/" + nm + ".nii.gz"));
                Nifti.write(c.mask, out.resolve("masks/" + nm + ".nii.gz"));
                if (pngForAll || i == 0 || (isTest(i) && i == cases - testCases))
                    Montage.write(c.image, c.mask, c.lesions, out.resolve("png/" + nm + ".png"));
                man.println("images/" + nm + ".nii.gz,masks/" + nm + ".nii.gz," + (isTest(i) ? "test" : "train") + "," + summary(c.lesions));
                for (Lesion l : c.lesions)
                    les.println(String.format(Locale.ROOT, "%s,%s,%d,%.2f,%.2f,%.2f,%.2f,%.1f,%.1f,%.2f,%d", nm, l.kind.id(), l.kind.label,
                            l.diameterMm, l.cx, l.cy, l.cz, l.targetHu, l.hostHu, l.thresholdHu, l.voxels));
                man.flush(); les.flush();
                all.add(c.lesions);
                if (onCaseDone != null) onCaseDone.accept(i + 1);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return all;
    }

    /** "kind=count;..." in label order, empty for none. */
    public static String summary(List<Lesion> lesions) {
        Map<LesionKind, Integer> n = new EnumMap<>(LesionKind.class);
        for (Lesion l : lesions) n.merge(l.kind, 1, Integer::sum);
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<LesionKind, Integer> e : n.entrySet()) {
            if (sb.length() > 0) sb.append(';');
            sb.append(e.getKey().id()).append('=').append(e.getValue());
        }
        return sb.toString();
    }
}
