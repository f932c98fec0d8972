package org.screener.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.screener.data.Volume;
import org.screener.data.eval.Evaluation;
import org.screener.data.eval.Metrics;
import org.screener.data.io.Nifti;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.*;

class EvaluateCommandTest {
    @TempDir Path tmp;

    static final int NX = 7, NY = 5, NZ = 4, N = NX * NY * NZ;

    /** Writes a float map and an int16 mask (lesion label 2, plus a label-1 organ that is not a lesion). */
    void writeCase(String name, float[] map, short[] mask, Path maps, Path masks) throws Exception {
        double[] sp = {1, 1, 2};
        Nifti.write(Volume.ofFloats(NX, NY, NZ, map, sp, Volume.diagonalAffine(sp, null)), maps.resolve(name + ".nii.gz"));
        Nifti.write(Volume.ofShorts(NX, NY, NZ, mask, sp, Volume.diagonalAffine(sp, null)), masks.resolve(name + ".nii.gz"));
    }

    @Test void evaluatesTwoCasesAndWritesCsv() throws Exception {
        Path maps = Files.createDirectories(tmp.resolve("maps")), masks = Files.createDirectories(tmp.resolve("masks"));
        Random rnd = new Random(2);
        float[][] m = new float[2][N];
        short[][] k = new short[2][N];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < N; i++) {
                k[c][i] = (short) (rnd.nextInt(5) == 0 ? 2 : 0);
                m[c][i] = rnd.nextInt(20) + (k[c][i] == 2 ? 6 : 0);
            }
            writeCase("case_00" + (c + 1), m[c], k[c], maps, masks);
        }
        Path csv = tmp.resolve("metrics.csv");
        String[] r = InfoCommandTest.run("evaluate", "--maps", maps.toString(), "--masks", masks.toString(), "--sampled", "--seed", "4", "--out", csv.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("[2/2] case_002"), r[2]);
        assertFalse(r[2].contains("warning"), r[2]);

        // the same numbers from the library directly
        Metrics[] perCase = new Metrics[2];
        Metrics pooled;
        try (Evaluation ev = Evaluation.paper(tmp, Evaluation.Sampling.paper(4))) {
            for (int c = 0; c < 2; c++) {
                boolean[] les = new boolean[N];
                for (int i = 0; i < N; i++) les[i] = k[c][i] != 0;
                perCase[c] = ev.add("case_00" + (c + 1), m[c].clone(), les, NX, NY, NZ, false).full();
            }
            pooled = ev.pooled();
        }
        List<String> lines = Files.readAllLines(csv);
        assertEquals("case,voxels,lesion_voxels,regions,auroc,auroc_fpr30,aupro_fpr30,best_dice,dice_threshold,auroc_sampled,auroc_fpr30_sampled", lines.get(0));
        assertEquals(5, lines.size(), lines.toString());
        for (int c = 0; c < 2; c++) {
            String[] f = lines.get(1 + c).split(",");
            assertEquals("case_00" + (c + 1), f[0]);
            assertEquals(Integer.toString(N), f[1]);
            assertEquals(perCase[c].positives(), Long.parseLong(f[2]));
            assertEquals(perCase[c].regions(), Long.parseLong(f[3]));
            assertEquals(perCase[c].auroc(), Double.parseDouble(f[4]), 1e-12);
            assertEquals(perCase[c].partialAuroc(), Double.parseDouble(f[5]), 1e-12);
            assertEquals(perCase[c].aupro(), Double.parseDouble(f[6]), 1e-12);
            assertEquals(perCase[c].bestDice(), Double.parseDouble(f[7]), 1e-12);
            // small cases: the sample is every voxel
            assertEquals(perCase[c].auroc(), Double.parseDouble(f[9]), 1e-12);
        }
        String[] p = lines.get(3).split(",");
        assertEquals("POOLED", p[0]);
        assertEquals(pooled.auroc(), Double.parseDouble(p[4]), 1e-12);
        assertEquals(pooled.aupro(), Double.parseDouble(p[6]), 1e-12);
        assertTrue(lines.get(4).startsWith("MEAN,"));
        assertTrue(r[1].contains("POOLED") && r[1].contains("case_001"), r[1]);

        // --bootstrap: an interval over case resamples, around the pooled AUROC (every voxel is kept at this size)
        r = InfoCommandTest.run("evaluate", "--maps", maps.toString(), "--masks", masks.toString(), "--bootstrap", "400");
        assertEquals("0", r[0], r[2]);
        java.util.regex.Matcher ci = java.util.regex.Pattern.compile("95% interval over cases \\(400 bootstrap resamples, seed 0\\): ([0-9.]+) \\.\\. ([0-9.]+)").matcher(r[1]);
        assertTrue(ci.find(), r[1]);
        double lo = Double.parseDouble(ci.group(1)), hi = Double.parseDouble(ci.group(2));
        assertTrue(lo <= pooled.auroc() && pooled.auroc() <= hi && lo < hi, lo + " " + pooled.auroc() + " " + hi);
        assertEquals("2", InfoCommandTest.run("evaluate", "--maps", maps.toString(), "--masks", masks.toString(), "--bootstrap", "-1")[0]);

        // --label 1 selects another structure: the lesion count changes
        for (int c = 0; c < 2; c++) { k[c][0] = 1; writeCase("case_00" + (c + 1), m[c], k[c], maps, masks); }
        r = InfoCommandTest.run("evaluate", "--maps", maps.toString(), "--masks", masks.toString(), "--label", "1", "--out", csv.toString());
        assertEquals("0", r[0], r[2]);
        assertEquals("1", Files.readAllLines(csv).get(1).split(",")[2]);
    }

    @Test void badInputIsOneLineAndExitCode2() throws Exception {
        Path maps = Files.createDirectories(tmp.resolve("maps")), masks = Files.createDirectories(tmp.resolve("masks"));
        writeCase("a", new float[N], new short[N], maps, masks);
        writeCase("b", new float[N], new short[N], maps, masks);
        Files.move(masks.resolve("b.nii.gz"), masks.resolve("c.nii.gz"));
        String[] r = InfoCommandTest.run("evaluate", "--maps", maps.toString(), "--masks", masks.toString());
        assertEquals("2", r[0]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        assertTrue(r[2].contains("maps without a mask") && r[2].contains("b.nii.gz") && r[2].contains("masks without a map") && r[2].contains("c.nii.gz"), r[2]);

        Files.delete(masks.resolve("c.nii.gz"));
        Files.delete(maps.resolve("b.nii.gz"));
        double[] sp = {1, 1, 1};
        Nifti.write(Volume.ofShorts(NX, NY, NZ + 1, new short[N + NX * NY], sp, Volume.diagonalAffine(sp, null)), masks.resolve("a.nii.gz"));
        r = InfoCommandTest.run("evaluate", "--maps", maps.toString(), "--masks", masks.toString());
        assertEquals("2", r[0]);
        assertEquals(1, r[2].strip().lines().count(), r[2]);
        assertTrue(r[2].contains("7x5x4") && r[2].contains("7x5x5") && r[2].contains(maps.resolve("a.nii.gz").toString())
                && r[2].contains(masks.resolve("a.nii.gz").toString()), r[2]);

        // same shape, other affine: evaluated, with a warning
        Nifti.write(Volume.ofShorts(NX, NY, NZ, new short[N], sp, Volume.diagonalAffine(sp, null)), masks.resolve("a.nii.gz"));
        r = InfoCommandTest.run("evaluate", "--maps", maps.toString(), "--masks", masks.toString());
        assertEquals("0", r[0], r[2]);
        assertTrue(r[2].contains("warning: a: map and mask"), r[2]);
        assertTrue(r[1].contains("n/a"), "no lesion voxels: undefined metrics shown as n/a\n" + r[1]);

        r = InfoCommandTest.run("evaluate", "--maps", tmp.resolve("nothing").toString(), "--masks", masks.toString());
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("not a folder"), r[2]);
        r = InfoCommandTest.run("evaluate", "--maps", maps.toString(), "--masks", masks.toString(), "--connectivity", "5");
        assertEquals("2", r[0]);
        assertTrue(r[2].contains("6, 18 or 26"), r[2]);
    }
}
